/**
 * A plain-text RFC 5322 message, as the `send_email` binding takes it raw. The body is
 * base64 (any UTF-8, lines of 76); header values are the app's own constants plus the
 * recipient's address, which zod validated, and CR/LF are refused anyway so no header can
 * be injected.
 */
import type { OutgoingMail } from './mailer';

function headerValue(value: string): string {
  if (/[\r\n]/.test(value)) throw new Error('a mail header value may not contain a line break');
  // Non-ASCII subjects as one RFC 2047 encoded word.
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${base64(new TextEncoder().encode(value))}?=`;
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function rawMessage(from: string, mail: OutgoingMail, now = new Date()): string {
  const domain = from.slice(from.lastIndexOf('@') + 1);
  const body = base64(new TextEncoder().encode(mail.text)).replace(/.{1,76}/g, '$&\r\n');
  return [
    `From: ${headerValue(from)}`,
    `To: ${headerValue(mail.to)}`,
    `Subject: ${headerValue(mail.subject)}`,
    `Date: ${now.toUTCString()}`,
    `Message-ID: <${crypto.randomUUID()}@${headerValue(domain)}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    body,
  ].join('\r\n');
}
