import { createTransport } from 'nodemailer';
import type { Db } from '../store/database.js';
import { writeOutbox } from './outbox.js';

// Email: through the configured SMTP server (nodemailer), or into the outbox when there is none
// (the embedded service on a workstation, training mode, development). Nothing here logs: a
// message body may hold a security code.

export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

export interface Mailer {
  /** Resolves once the server (or the outbox) has taken the message; rejects when it could not. */
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/** Bounded waits, so a request never hangs on a mail server that stopped answering. */
const SMTP_TIMEOUTS = { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as const;

export function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = createTransport({ url: smtpUrl, ...SMTP_TIMEOUTS, logger: false, debug: false });
  return {
    send: async (message) => {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
    close: () => transport.close(),
  };
}

export function outboxMailer(db: Db, now: () => Date): Mailer {
  return {
    send: async (message) => {
      writeOutbox(db, { channel: 'email', to: message.to, subject: message.subject, text: message.text }, now());
    },
    close: () => {},
  };
}

export function createMailer(config: { readonly smtpUrl?: string | undefined; readonly mailFrom: string }, db: Db, now: () => Date): Mailer {
  return config.smtpUrl ? smtpMailer(config.smtpUrl, config.mailFrom) : outboxMailer(db, now);
}
