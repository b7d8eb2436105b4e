import type { OutboxMessage } from '../../src-shared/api/service-unlock.js';
import { formatDate, formatTime } from '../format/dates.js';
import { messageParts } from './outbox-links.js';

// The training service's outbox: the emails and text messages it would have sent, so a trainee
// can read the security code a self-service unlock sends, and follow the links an applicant is
// sent (each opens in a new tab, as it would from a phone's messages). Newest first, as the agent
// gives them.

const CHANNEL_NAMES = { email: 'Email', sms: 'Text message' } as const;

export function TrainingOutbox({ outbox }: { outbox: readonly OutboxMessage[] }) {
  return (
    <section className="app-training-outbox" aria-labelledby="training-outbox-heading">
      <h3 className="nhsuk-heading-s" id="training-outbox-heading">
        Outbox
      </h3>
      {outbox.length === 0 ? (
        <p className="nhsuk-body-s">No emails or text messages have been sent yet.</p>
      ) : (
        <ol className="nhsuk-list app-training-outbox__list">
          {outbox.map((message) => (
            <li className="app-training-outbox__message" key={message.id}>
              <p className="nhsuk-body-s nhsuk-u-margin-bottom-1">
                <strong>{CHANNEL_NAMES[message.channel]}</strong> to <span className="app-code">{message.to}</span>,{' '}
                <time dateTime={message.sentAt}>
                  {formatTime(message.sentAt)} on {formatDate(message.sentAt)}
                </time>
              </p>
              {message.subject && <p className="nhsuk-body-s nhsuk-u-margin-bottom-1 nhsuk-u-font-weight-bold">{message.subject}</p>}
              <p className="nhsuk-body-s nhsuk-u-margin-bottom-0 app-training-outbox__text">
                <MessageText text={message.text} />
              </p>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function MessageText({ text }: { text: string }) {
  return messageParts(text).map((part, i) =>
    'href' in part ? (
      <a key={i} href={part.href} target="_blank" rel="noreferrer">
        {part.href}
        <span className="nhsuk-u-visually-hidden"> (opens in a new tab)</span>
      </a>
    ) : (
      part.text
    ),
  );
}
