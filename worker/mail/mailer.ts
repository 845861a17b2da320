/**
 * Sending mail, behind one small interface: the Worker asks for a `Mailer` and never knows
 * how mail leaves. Today that is Cloudflare's `send_email` binding (send-email-mailer.ts);
 * an HTTP email API (Resend, Postmark, SES…) would be another class with the same `send`.
 */
import type { Env } from '../../durable-objects/shared/env';
import { SendEmailMailer } from './send-email-mailer';

/** One plain-text message to one person. */
export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  /** Resolves once the transport accepted the message; rejects with an error naming no address or content. */
  send(mail: OutgoingMail): Promise<void>;
}

export class MailNotConfiguredError extends Error {
  override name = 'MailNotConfiguredError';
  constructor() {
    super('no mail transport: add the send_email binding EMAIL to wrangler.toml (docs/deploy.md)');
  }
}

/** The mailer the environment provides. */
export function mailerFor(env: Env, from: string): Mailer {
  if (env.EMAIL) return new SendEmailMailer(env.EMAIL, from);
  return { send: () => Promise.reject(new MailNotConfiguredError()) };
}
