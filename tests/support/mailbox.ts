/**
 * The mail the app sent, as `wrangler dev`'s simulated `send_email` binding stored it: one
 * .eml file per message under `<wrangler's TMPDIR>/miniflare-<random>/files/email/`
 * (miniflare's SendEmailBinding; the app under test gets its own TMPDIR, scripts/lib/app-server.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { inject } from 'vitest';

export interface SentMail {
  file: string;
  to: string;
  from: string;
  subject: string;
  text: string;
}

function parse(file: string): SentMail {
  const raw = fs.readFileSync(file, 'utf8');
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split);
  const header = (name: string) => head.match(new RegExp(`^${name}: (.*)$`, 'mi'))?.[1]?.trim() ?? '';
  const body = raw.slice(split + 4).replace(/\s+/g, '');
  const text = header('Content-Transfer-Encoding').toLowerCase() === 'base64' ? Buffer.from(body, 'base64').toString('utf8') : raw.slice(split + 4);
  return { file, to: header('To'), from: header('From'), subject: header('Subject'), text };
}

export function sentMail(): SentMail[] {
  const root = inject('mailDir');
  const files: string[] = [];
  for (const dir of fs.readdirSync(root)) {
    const emails = path.join(root, dir, 'files', 'email');
    if (!dir.startsWith('miniflare-') || !fs.existsSync(emails)) continue;
    for (const f of fs.readdirSync(emails)) if (f.endsWith('.eml')) files.push(path.join(emails, f));
  }
  return files.map(parse);
}

/** Waits for the `nth` (1-based) message to `to` whose subject matches, and returns it. */
export async function waitForMail(to: string, subject: RegExp, nth = 1, timeoutMs = 30_000): Promise<SentMail> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = sentMail().filter((m) => m.to === to && subject.test(m.subject));
    if (found.length >= nth) return found.sort((a, b) => fs.statSync(a.file).mtimeMs - fs.statSync(b.file).mtimeMs)[nth - 1]!;
    if (Date.now() > deadline) throw new Error(`no mail #${nth} matching ${subject} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Mails to `to` so far. */
export function mailTo(to: string): SentMail[] {
  return sentMail().filter((m) => m.to === to);
}

/** The token in a link of the mail (`…#token=…`). */
export function linkToken(mail: SentMail, page: string): string {
  const match = mail.text.match(new RegExp(`https?://[^\\s]+${page}#token=([A-Za-z0-9_-]+)`));
  if (!match) throw new Error(`no ${page} link in the mail`);
  return match[1]!;
}
