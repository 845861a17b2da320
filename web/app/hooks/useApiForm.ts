/** A form that sends one API request: busy while it runs, the error message and per-field errors (400) after. */
import { useState } from 'react';
import { ApiError, errorMessage } from '../services/api';

export function useApiForm() {
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    setFields({});
    try {
      await work();
    } catch (err) {
      if (err instanceof ApiError && err.status === 400) setFields(err.fieldErrors());
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return { error, fields, busy, run };
}
