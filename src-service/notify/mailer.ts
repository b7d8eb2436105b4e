import { createTransport } from 'nodemailer';
import type { Db } from '../store/database.js';
import type { ServiceConfig } from '../config.js';
import type { MessageKind } from './sms.js';
import { notifyClientFor, notifyMailer } from './gov-notify.js';
import { writeOutbox } from './outbox.js';

// Email: through GOV.UK Notify or the configured SMTP server (nodemailer), or into the outbox
// where that is switched on (training, test deployments). With none of them the service has no
// mailer, and says so rather than keeping codes nobody can read safely. Nothing here logs: a
// message body may hold a security code.

interface MailMessage {
  /**
   * What the message is, for senders that fill a template per kind (Notify): a security code
   * (the default), or a notice that a contact detail changed.
   */
  readonly kind?: MessageKind;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  /** The same words' parts, for senders that fill a template (Notify): e.g. code and minutes. */
  readonly fields?: Readonly<Record<string, string>>;
  /** A name for this message in the sender's own records; never a secret. */
  readonly reference?: string;
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

/** The start-up warning of a standalone service that cannot send codes by email, or null. Names no code. */
export function missingSmtpWarning(config: { readonly smtpUrl?: string | undefined; readonly notifyEmailTemplateId?: string | undefined; readonly outbox?: boolean }): string | null {
  if (config.smtpUrl || config.notifyEmailTemplateId) return null;
  return config.outbox
    ? 'warning: CIS_SMTP_URL is not set, so security codes for self-service unlock are not emailed: they are written to the outbox table (CIS_OUTBOX).'
    : 'warning: CIS_SMTP_URL is not set, so security codes for self-service unlock cannot be sent by email.';
}

function smtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = createTransport({ ...smtpTransportOptions(smtpUrl), logger: false, debug: false });
  return {
    send: async (message) => {
      await transport.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
    },
    close: () => transport.close(),
  };
}

function outboxMailer(db: Db, now: () => Date): Mailer {
  return {
    send: async (message) => {
      await writeOutbox(db, { channel: 'email', to: message.to, subject: message.subject, text: message.text }, now());
    },
    close: () => {},
  };
}

/** Notify when its email template is set, else SMTP, else the outbox where it is on, else none. */
export function createMailer(config: ServiceConfig, db: Db, now: () => Date): Mailer | null {
  if (config.notifyApiKey && config.notifyEmailTemplateId) {
    return notifyMailer(notifyClientFor(config), { 'unlock-code': config.notifyEmailTemplateId, 'contact-changed': config.notifyNoticeEmailTemplateId });
  }
  if (config.smtpUrl) return smtpMailer(config.smtpUrl, config.mailFrom);
  return config.outbox ? outboxMailer(db, now) : null;
}
