import type { Db } from '../store/database.js';
import { writeOutbox } from './outbox.js';

// Text messages. There is no one national gateway to build in, so a deployment passes its own
// sender to startService({ smsSender }); without one, texts go to the outbox (training shows it).

export interface SmsSender {
  /** Resolves once the gateway has accepted the text; rejects when it could not. */
  send(to: string, text: string): Promise<void>;
}

export function outboxSmsSender(db: Db, now: () => Date): SmsSender {
  return {
    send: async (to, text) => {
      writeOutbox(db, { channel: 'sms', to, subject: null, text }, now());
    },
  };
}
