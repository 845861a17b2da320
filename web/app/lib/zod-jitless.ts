/**
 * zod without its compiled fast path in the browser. Deciding whether it may compile, zod tries
 * `new Function` once; the page's CSP (no 'unsafe-eval') refuses it, and Chrome reports that as a
 * CSP violation even though zod catches it (Lighthouse's best practices count it). Must run before
 * any schema is built: lib/protocol.ts imports this first.
 */
import { z } from 'zod';

z.config({ jitless: true });
