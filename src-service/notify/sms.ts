import type { ServiceConfig } from '../config.js';
import type { Db } from '../store/database.js';
import { notifyClientFor, notifySmsSender } from './gov-notify.js';
import { writeOutbox } from './outbox.js';

// Text messages: through GOV.UK Notify when its text template is configured, or a gateway a
// deployment passes to startService({ smsSender }); into the outbox where that is switched on
// (training, test deployments); otherwise there is no sender, and codes are not offered by text.

export type MessageKind = 'unlock-code' | 'contact-changed';

export interface TextMessage {
  /**
   * What the message is, for senders that fill a template per kind (Notify): a security code
   * (the default), or a notice that a contact detail changed.
   */
  readonly kind?: MessageKind;
  readonly to: string;
  readonly text: string;
  /** The same words' parts, for senders that fill a template (Notify): e.g. code and minutes. */
  readonly fields?: Readonly<Record<string, string>>;
  /** A name for this message in the sender's own records; never a secret. */
  readonly reference?: string;
}

export interface SmsSender {
  /** Resolves once the gateway has accepted the text; rejects when it could not. */
  send(message: TextMessage): Promise<void>;
}

function outboxSmsSender(db: Db, now: () => Date): SmsSender {
  return {
    send: async ({ to, text }) => {
      await writeOutbox(db, { channel: 'sms', to, subject: null, text }, now());
    },
  };
}

export function createSmsSender(config: ServiceConfig, db: Db, now: () => Date): SmsSender | null {
  if (config.notifyApiKey && config.notifySmsTemplateId) {
    return notifySmsSender(notifyClientFor(config), { 'unlock-code': config.notifySmsTemplateId, 'contact-changed': config.notifyNoticeSmsTemplateId });
  }
  return config.outbox ? outboxSmsSender(db, now) : null;
}
