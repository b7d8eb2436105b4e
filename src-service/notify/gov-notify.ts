import { NotifyClient } from 'notifications-node-client';
import type { Mailer } from './mailer.js';
import type { SmsSender } from './sms.js';

// GOV.UK Notify, the messaging service UK public bodies and NHS organisations use for texts
// and email, through its official client. A message is a template (written in Notify, with
// ((code)) and ((minutes)) for an unlock code) and the values that fill it. What Notify or the
// network says when a message is refused is dropped: an error from the client carries the
// request (the code in its body, the signed key in its header), so only "could not send" leaves
// here, naming neither.

/** How long a send may take before it counts as failed: well under the agent's 15 s wait. */
export const NOTIFY_TIMEOUT_MS = 8_000;

export class NotifySendError extends Error {
  override name = 'NotifySendError';
}

export interface NotifySettings {
  readonly notifyApiKey?: string | undefined;
  readonly notifyBaseUrl: string;
}

/** The client for the configured key and API origin (Notify's own unless a test peer is named). */
export function notifyClientFor(config: NotifySettings): NotifyClient {
  if (!config.notifyApiKey) throw new Error('GOV.UK Notify needs notifyApiKey');
  return new NotifyClient(config.notifyBaseUrl.replace(/\/+$/, ''), config.notifyApiKey);
}

async function sent(what: 'text message' | 'email', request: () => Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NotifySendError(`GOV.UK Notify did not answer within ${NOTIFY_TIMEOUT_MS / 1000} seconds.`)), NOTIFY_TIMEOUT_MS);
  });
  try {
    await Promise.race([request(), late]);
  } catch (err) {
    if (err instanceof NotifySendError) throw new NotifySendError(`The ${what} could not be sent: ${err.message}`);
    const status = (err as { response?: { status?: unknown } }).response?.status;
    throw new NotifySendError(`The ${what} could not be sent: GOV.UK Notify ${typeof status === 'number' ? `refused it (HTTP ${status})` : 'could not be reached'}.`);
  } finally {
    clearTimeout(timer);
  }
}

export function notifySmsSender(client: NotifyClient, templateId: string): SmsSender {
  return {
    send: (message) =>
      sent('text message', () =>
        client.sendSms(templateId, message.to, { personalisation: { ...message.fields }, ...(message.reference ? { reference: message.reference } : {}) }),
      ),
  };
}

export function notifyMailer(client: NotifyClient, templateId: string): Mailer {
  return {
    send: (message) =>
      sent('email', () =>
        client.sendEmail(templateId, message.to, {
          personalisation: { subject: message.subject, ...message.fields },
          ...(message.reference ? { reference: message.reference } : {}),
        }),
      ),
    close: () => {},
  };
}
