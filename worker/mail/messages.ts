/** The texts of the mails the app sends. Links carry their token in the fragment: it never reaches a server log or a Referer. */
import type { OutgoingMail } from './mailer';

export function verificationMail(to: string, username: string, link: string): OutgoingMail {
  return {
    to,
    subject: 'Confirm your email address for edge-chat',
    text: [
      `Hello ${username},`,
      '',
      'Confirm that this address is yours by opening this link (valid for 48 hours):',
      link,
      '',
      'If you did not create an edge-chat account, ignore this mail.',
    ].join('\n'),
  };
}

export function passwordResetMail(to: string, username: string, link: string): OutgoingMail {
  return {
    to,
    subject: 'Reset your edge-chat password',
    text: [
      `Hello ${username},`,
      '',
      'Someone (hopefully you) asked to reset your edge-chat password. Choose a new one here;',
      'the link works once and for 30 minutes:',
      link,
      '',
      'Resetting signs you out everywhere. If you did not ask for this, ignore this mail:',
      'your password stays as it is.',
    ].join('\n'),
  };
}
