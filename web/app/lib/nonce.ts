import { createContext, useContext } from 'react';

/** The CSP nonce of this document render (server only; undefined in the browser). */
export const NonceContext = createContext<string | undefined>(undefined);
export const useNonce = () => useContext(NonceContext);
