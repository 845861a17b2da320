/**
 * Mail through Cloudflare's `send_email` binding (Email Service). `wrangler dev` simulates
 * the binding: each message is written to an .eml file under its temporary directory
 * (`<TMPDIR>/miniflare-<random>/files/email/`) and its path logged, so nothing leaves the
 * machine locally and tests read what was sent (tests/support/mailbox.ts).
 */
import { EmailMessage } from 'cloudflare:email';
import type { Mailer, OutgoingMail } from './mailer';
import { rawMessage } from './mime';

/** How long a send may take before the caller gives up (every network call has a deadline). */
export const MAIL_SEND_TIMEOUT_MS = 10_000;

export class MailTimeoutError extends Error {
  override name = 'MailTimeoutError';
}

export class SendEmailMailer implements Mailer {
  constructor(
    private readonly binding: SendEmail,
    private readonly from: string,
  ) {}

  async send(mail: OutgoingMail): Promise<void> {
    const message = new EmailMessage(this.from, mail.to, rawMessage(this.from, mail));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new MailTimeoutError(`send_email gave no answer in ${MAIL_SEND_TIMEOUT_MS} ms`)), MAIL_SEND_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.binding.send(message), deadline]);
    } finally {
      if (timer !== undefined) clearTimeout(timer);
    }
  }
}
