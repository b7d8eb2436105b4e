import { SECURITY_CODE_VALID_MINUTES, type UnlockChannel } from '../../src-shared/api/service-unlock.js';
import type { Mailer } from './mailer.js';
import type { SmsSender } from './sms.js';

// The one message that carries a security code, by the channel the holder chose. The words are
// the same by email and text: what the code is for, how long it lasts, and what to do if the
// holder did not ask for it (someone has their card, or its certificate).

export const UNLOCK_CODE_SUBJECT = 'Your smartcard security code';

function unlockCodeText(code: string): string {
  return (
    `Your security code to unlock your smartcard is ${code}. ` +
    `It expires in ${SECURITY_CODE_VALID_MINUTES} minutes and can be used once. ` +
    'If you did not ask for this code, tell your registration authority.'
  );
}

/** The service's senders; null where it has none for that channel. */
export interface Notifiers {
  readonly mailer: Mailer | null;
  readonly smsSender: SmsSender | null;
}

/** The channels a code can go out by from this service. */
export const sendableChannels = (notifiers: Notifiers): Readonly<Record<UnlockChannel, boolean>> => ({
  email: notifiers.mailer !== null,
  sms: notifiers.smsSender !== null,
});

/**
 * Sends `code` to `to` by `channel`; rejects when the mail server or gateway did not take it.
 * `reference` names the message in the sender's records (Notify keeps it); never a secret.
 */
export async function sendUnlockCode(notifiers: Notifiers, channel: UnlockChannel, to: string, code: string, reference: string): Promise<void> {
  const message = { to, text: unlockCodeText(code), fields: { code, minutes: String(SECURITY_CODE_VALID_MINUTES) }, reference };
  const { mailer, smsSender } = notifiers;
  // The callers offer only sendable channels; this is the last word if one slips through.
  if (channel === 'email' && mailer) await mailer.send({ ...message, subject: UNLOCK_CODE_SUBJECT });
  else if (channel === 'sms' && smsSender) await smsSender.send(message);
  else throw new Error(`this service has no ${channel} sender`);
}
