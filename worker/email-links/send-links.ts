/**
 * Mails a verification or reset link after the response (waitUntil): an answer never waits
 * on the mail transport, so it takes as long for an unknown address as for a known one. A
 * failure is logged without the address or the link.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { readConfig } from '../../durable-objects/shared/env';
import { appOrigin } from '../http/app-origin';
import { mailerFor } from '../mail/mailer';
import { passwordResetMail, verificationMail } from '../mail/messages';
import { logFailure } from '../../durable-objects/shared/log-failure';
import type { EmailTokenPurpose } from './email-tokens';

export interface LinkRecipient {
  id: string;
  email: string;
  username: string;
}

const PAGES: Record<EmailTokenPurpose, { path: string; mail: typeof verificationMail }> = {
  verify: { path: '/verify-email', mail: verificationMail },
  reset: { path: '/reset-password', mail: passwordResetMail },
};

export function mailLinkAfterResponse(c: Context<AppEnv>, purpose: EmailTokenPurpose, to: LinkRecipient, token: string): void {
  const { path, mail } = PAGES[purpose];
  const link = `${appOrigin(c)}${path}#token=${token}`;
  const sending = mailerFor(c.env, readConfig(c.env).MAIL_FROM)
    .send(mail(to.email, to.username, link))
    .catch((err: unknown) => logFailure(`sending a ${purpose} mail failed`, err, { user: to.id }));
  try {
    c.executionCtx.waitUntil(sending);
  } catch {
    // No execution context (the app called directly in a unit test): the promise still runs.
  }
}
