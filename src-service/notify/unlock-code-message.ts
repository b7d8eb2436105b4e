import { SECURITY_CODE_VALID_MINUTES, type UnlockChannel } from '../../src-shared/api/service-unlock.js';
import type { Mailer } from './mailer.js';
import type { SmsSender } from './sms.js';

// The one message that carries a security code, by the channel the holder chose. The words are
// the same by email and text: what the code is for, how long it lasts, and what to do if the
// holder did not ask for it (someone has their card, or its certificate).

export const UNLOCK_CODE_SUBJECT = 'Your smartcard security code';

export function unlockCodeText(code: string): string {
  return (
    `Your security code to unlock your smartcard is ${code}. ` +
    `It expires in ${SECURITY_CODE_VALID_MINUTES} minutes and can be used once. ` +
    'If you did not ask for this code, tell your registration authority.'
  );
}

export interface Notifiers {
  readonly mailer: Mailer;
  readonly smsSender: SmsSender;
}

/** Sends `code` to `to` by `channel`; rejects when the mail server or gateway did not take it. */
export async function sendUnlockCode(notifiers: Notifiers, channel: UnlockChannel, to: string, code: string): Promise<void> {
  const text = unlockCodeText(code);
  if (channel === 'email') await notifiers.mailer.send({ to, subject: UNLOCK_CODE_SUBJECT, text });
  else await notifiers.smsSender.send(to, text);
}
