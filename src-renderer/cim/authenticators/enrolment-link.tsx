import type { IssuableKind } from '../../../src-shared/api/cim-authenticators.js';
import { useServiceMutation } from '../../api/service-query.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { formatTime } from '../../format/dates.js';
import { BackToAuthenticators, type Holder } from './authenticator-frame.js';

// The action at the end of a WebAuthn kind's instructions: a one-time link to the identity
// service's registration page (its origin is the relying party the browser checks). The person
// opens it on the computer they will sign in with: this one (a new window), or another (the link
// as text to copy). CIM does not change by itself when it is done: the profile, refreshed,
// lists the new authenticator.

export function EnrolmentLinkAction({ holder, kind, button }: { holder: Holder; kind: IssuableKind; button: string }) {
  const start = useServiceMutation('startAuthenticatorEnrolment');
  if (start.isSuccess) {
    const { link, expiresAt } = start.data;
    return (
      <>
        <h2 className="nhsuk-heading-m" id="registration-link" tabIndex={-1}>
          Registration link ready
        </h2>
        <p>
          <a className="nhsuk-button" href={link} target="_blank" rel="noopener noreferrer">
            Open the registration page<span className="nhsuk-u-visually-hidden"> (opens in a new window)</span>
          </a>
        </p>
        <p>
          Or open this link on the computer {holder.own ? 'you will' : `${holder.name} will`} sign in with. It works once, until {formatTime(expiresAt)}:
        </p>
        <p className="app-code" id="registration-link-text">
          {link}
        </p>
        <p>When the registration page says it is done, go back to the profile and refresh it to see the new authenticator in the list.</p>
        <BackToAuthenticators holder={holder} />
      </>
    );
  }
  return (
    <>
      {start.isError && <ErrorSummary errors={[{ text: start.error.message }]} />}
      <div role="status" className="nhsuk-body">
        {start.isPending ? 'Creating the registration link…' : ''}
      </div>
      <button className="nhsuk-button" type="button" disabled={start.isPending} onClick={() => start.mutate({ params: { uuid: holder.uuid }, body: { kind } })}>
        {button}
      </button>
      <BackToAuthenticators holder={holder} />
    </>
  );
}
