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

/**
 * Bounded waits, well under the agent's 15 s wait for the service: a mail server that stopped
 * answering fails the request with "could not be sent" instead of the agent giving up on it.
 */
export const SMTP_TIMEOUTS = { connectionTimeout: 5_000, greetingTimeout: 5_000, socketTimeout: 8_000 } as const;

const isLoopback = (host: string): boolean => host === 'localhost' || host === '[::1]' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * The nodemailer options. A security code never crosses a network in clear: plain smtp:// must
 * upgrade with STARTTLS or fail (smtps:// is TLS from the start); only a server on this machine
 * may be spoken to without it.
 */
export function smtpTransportOptions(smtpUrl: string): { url: string; requireTLS: boolean } & typeof SMTP_TIMEOUTS {
  const url = new URL(smtpUrl);
  return { url: smtpUrl, ...SMTP_TIMEOUTS, requireTLS: url.protocol === 'smtp:' && !isLoopback(url.hostname) };
}

/** The start-up warning of a standalone service that has no mail server, or null. Names no code. */
export function missingSmtpWarning(config: { readonly smtpUrl?: string | undefined }): string | null {
  return config.smtpUrl
    ? null
    : 'warning: CIS_SMTP_URL is not set, so security codes for self-service unlock are not emailed: they are written to the outbox table.';
}

export function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = createTransport({ ...smtpTransportOptions(smtpUrl), logger: false, debug: false });
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
