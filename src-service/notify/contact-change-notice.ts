import type { UnlockChannel } from '../../src-shared/api/service-unlock.js';
import type { Notifiers } from './unlock-code-message.js';
import { ukTimeOnDate } from './uk-time.js';

// The notice sent to the OLD email address or mobile number when a holder's own contact detail
// changes: if someone else changed it (to have unlock codes sent to themselves), the holder
// hears of it where they still read. It says what changed and what to do, and never carries a
// code, a link or the new value.

const CONTACT_CHANGED_SUBJECT = 'The contact details on your Care Identity profile were changed';

export interface ContactChangeNotice {
  /** Where the notice goes: the old value, by its own channel. */
  readonly channel: UnlockChannel;
  readonly to: string;
}

function contactChangedText(channel: UnlockChannel, at: Date): string {
  const what = channel === 'email' ? 'email address' : 'mobile number';
  return (
    `The ${what} on your Care Identity profile was changed at ${ukTimeOnDate(at)} (UK time). ` +
    `This ${what} will no longer be used for your profile. ` +
    'If you made this change, you do not need to do anything. ' +
    'If you did not, tell your registration authority straight away: someone may be trying to take over your smartcard.'
  );
}

class NoticeNotSentError extends Error {
  override name = 'NoticeNotSentError';
}

/** Sends one notice; rejects when there is no sender for its channel, or it did not take it. */
export async function sendContactChangeNotice(notifiers: Notifiers, notice: ContactChangeNotice, at: Date): Promise<void> {
  const text = contactChangedText(notice.channel, at);
  const kind = 'contact-changed';
  if (notice.channel === 'email') {
    if (!notifiers.mailer) throw new NoticeNotSentError('this service has no way to send email');
    await notifiers.mailer.send({ to: notice.to, subject: CONTACT_CHANGED_SUBJECT, text, kind });
  } else {
    if (!notifiers.smsSender) throw new NoticeNotSentError('this service has no way to send text messages');
    await notifiers.smsSender.send({ to: notice.to, text, kind });
  }
}
