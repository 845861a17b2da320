/**
 * Display names are free text people choose, so they are what impersonation
 * uses. They are normalised (NFKC: full-width and other look-alike forms folded,
 * runs of spaces collapsed) and refused when they carry characters that change
 * how surrounding text is shown: bidirectional overrides and isolates (a name
 * that renders reversed), other invisible format characters, and controls.
 * Names stay non-unique: the UI shows the @username beside them where it matters.
 */
import { z } from 'zod';

/** Bidi embeddings/overrides/isolates/marks, zero-width and other invisible format characters, controls. */
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufeff\ufff9-\ufffb]/u;

export function normalizeDisplayName(raw: string): string {
  return raw.normalize('NFKC').replace(/\s+/gu, ' ').trim();
}

export function displayNameProblem(name: string): string | undefined {
  if (FORBIDDEN.test(name)) return 'display name may not contain control, invisible or text-direction characters';
  if (name.startsWith('@')) return 'display name may not start with "@" (that is how usernames are shown)';
  return undefined;
}

export const displayNameSchema = z
  .string()
  .transform(normalizeDisplayName)
  .pipe(z.string().min(1, 'display name is empty').max(64, 'display name must be at most 64 characters'))
  .superRefine((name, ctx) => {
    const problem = displayNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
