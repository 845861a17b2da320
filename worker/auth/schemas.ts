/** Request bodies of the auth routes. */
import { z } from 'zod';
import { displayNameSchema } from './display-name';

// A short deny-list catches the passwords that credential-stuffing tries first.
const COMMON_PASSWORDS = new Set([
  'password', 'password1', 'password123', '12345678', '123456789', '1234567890', 'qwertyui',
  'qwerty123', 'iloveyou', 'letmein1', 'welcome1', 'admin123', 'abc12345', '11111111', '00000000',
]);

export const usernameSchema = z
  .string({ error: 'username is required' })
  .trim()
  .toLowerCase()
  .min(3, 'username must be at least 3 characters')
  .max(32, 'username must be at most 32 characters')
  .regex(/^[a-z0-9_]+$/, 'username may contain only letters, digits and "_"');

// bcrypt reads only the first 72 bytes; longer passwords would be silently truncated.
export const passwordSchema = z
  .string({ error: 'password is required' })
  .min(8, 'password must be at least 8 characters')
  .refine((p) => new TextEncoder().encode(p).byteLength <= 72, 'password must be at most 72 bytes');

/** A common password, one containing the username, or one character repeated. */
export function isGuessablePassword(password: string, username: string): boolean {
  const lower = password.toLowerCase();
  return COMMON_PASSWORDS.has(lower) || lower.includes(username) || /^(.)\1+$/.test(password);
}

export const registerSchema = z
  .strictObject({
    username: usernameSchema,
    email: z.email({ error: 'email is not a valid address' }).max(254).toLowerCase(),
    password: passwordSchema,
    displayName: displayNameSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if (isGuessablePassword(body.password, body.username)) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'password is too easy to guess' });
    }
  });

export const loginSchema = z.strictObject({
  // Either the username or the email address.
  login: z.string({ error: 'login is required' }).trim().toLowerCase().min(1).max(254),
  password: z.string({ error: 'password is required' }).min(1).max(1024),
});
