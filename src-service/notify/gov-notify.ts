import { NotifyClient } from 'notifications-node-client';
import type { Mailer } from './mailer.js';
import type { MessageKind, SmsSender } from './sms.js';

// GOV.UK Notify, the messaging service UK public bodies and NHS organisations use for texts
// and email, through its official client. A message is a template (written in Notify, with
// ((code)) and ((minutes)) for an unlock code) and the values that fill it. What Notify or the
// network says when a message is refused is dropped: an error from the client carries the
// request (the code in its body, the signed key in its header), so only "could not send" leaves
// here, naming neither.

/** How long a send may take before it counts as failed: well under the agent's 15 s wait. */
const NOTIFY_TIMEOUT_MS = 8_000;

class NotifySendError extends Error {
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

/** The template for each kind of message; a kind without one is not sent through Notify. */
export type NotifyTemplates = Readonly<Record<MessageKind, string | undefined>>;

/**
 * The template for this message. A notice never falls back to the security-code template (it
 * would arrive as a code message with no code): without its own template it is not sent.
 */
function templateFor(templates: NotifyTemplates, kind: MessageKind | undefined, what: 'text message' | 'email'): string {
  const id = templates[kind ?? 'unlock-code'];
  if (!id) throw new NotifySendError(`The ${what} could not be sent: no GOV.UK Notify template is configured for it.`);
  return id;
}

/** A notice's words go whole into its template's ((body)); a code's parts fill the code template. */
const personalisationOf = (message: { kind?: MessageKind; text: string; fields?: Readonly<Record<string, string>> }): Record<string, string> =>
  message.kind === 'contact-changed' ? { body: message.text } : { ...message.fields };

export function notifySmsSender(client: NotifyClient, templates: NotifyTemplates): SmsSender {
  return {
    send: async (message) => {
      const templateId = templateFor(templates, message.kind, 'text message');
      await sent('text message', () =>
        client.sendSms(templateId, message.to, { personalisation: personalisationOf(message), ...(message.reference ? { reference: message.reference } : {}) }),
      );
    },
  };
}

export function notifyMailer(client: NotifyClient, templates: NotifyTemplates): Mailer {
  return {
    send: async (message) => {
      const templateId = templateFor(templates, message.kind, 'email');
      await sent('email', () =>
        client.sendEmail(templateId, message.to, {
          personalisation: { subject: message.subject, ...personalisationOf(message) },
          ...(message.reference ? { reference: message.reference } : {}),
        }),
      );
    },
    close: () => {},
  };
}
