import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { UserAuthenticator } from '../../../src-shared/api/cim-authenticators.js';
import { useServiceMutation } from '../../api/service-query.js';
import { ErrorMessage, ErrorSummary, type ErrorItem } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { SuccessBanner } from '../users/user-form-fields.js';
import { AuthenticatorFrame, BackToAuthenticators, type Holder } from './authenticator-frame.js';
import { AUTHENTICATOR_KIND_NAMES } from './authenticator-types.js';

// Remove: tick to confirm, "Remove authenticator", then "Authenticator removed successfully".
// No reason is asked. The service checks the viewer may remove it (and an iPad: RAM, RAA(A)).

const TITLE = 'Remove authenticator';
const CONFIRM_ID = 'confirm-remove';

export function RemoveAuthenticatorPage({ uuid, authenticatorId }: { uuid: string; authenticatorId: number }) {
  return <AuthenticatorFrame uuid={uuid} heading={TITLE}>{(holder) => <RemoveForm holder={holder} authenticatorId={authenticatorId} />}</AuthenticatorFrame>;
}

function RemoveForm({ holder, authenticatorId }: { holder: Holder; authenticatorId: number }) {
  const mutation = useServiceMutation('removeAuthenticator');
  const summaryRef = useRef<HTMLDivElement>(null);
  // Kept from the first render: once removed it leaves the (reloaded) list, and the banner still names it.
  const [authenticator] = useState<UserAuthenticator | undefined>(() => holder.authenticators.authenticators.find((a) => a.id === authenticatorId));
  const [confirmed, setConfirmed] = useState(false);
  const [errors, setErrors] = useState<readonly ErrorItem[]>([]);
  const [failures, setFailures] = useState(0);
  useEffect(() => {
    if (failures > 0) summaryRef.current?.focus();
  }, [failures]);

  const fail = (items: readonly ErrorItem[]): void => {
    setErrors(items);
    setFailures((n) => n + 1);
  };

  if (mutation.isSuccess) {
    return (
      <>
        <SuccessBanner id="authenticator-removed">
          <PageHeading className="nhsuk-notification-banner__heading">Authenticator removed successfully</PageHeading>
          <p className="nhsuk-body">
            {AUTHENTICATOR_KIND_NAMES[mutation.data.kind]} ({mutation.data.label}) can no longer be used to sign in.
          </p>
        </SuccessBanner>
        <BackToAuthenticators holder={holder} />
      </>
    );
  }
  if (!authenticator || !authenticator.mayRemove) {
    return (
      <>
        <PageHeading caption={holder.name}>{TITLE}</PageHeading>
        <p>{authenticator ? 'You cannot remove this authenticator.' : 'This authenticator is not on the profile. It may have been removed already.'}</p>
        <BackToAuthenticators holder={holder} />
      </>
    );
  }
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (mutation.isPending) return;
    if (!confirmed) return fail([{ text: 'Confirm that you want to remove this authenticator', href: `#${CONFIRM_ID}` }]);
    setErrors([]);
    mutation.mutate({ params: { uuid: holder.uuid, authenticatorId }, body: { confirm: true } }, { onError: (e) => fail([{ text: e.message }]) });
  };
  const error = errors.find((e) => e.href === `#${CONFIRM_ID}`)?.text;
  const name = `${AUTHENTICATOR_KIND_NAMES[authenticator.kind]} (${authenticator.label})`;
  return (
    <>
      <PageHeading caption={holder.name}>{TITLE}</PageHeading>
      <ErrorSummary ref={summaryRef} errors={errors} />
      <p>
        {name} will no longer sign {holder.own ? 'you' : holder.name} in to any app. To use it again it must be added again.
      </p>
      <form noValidate onSubmit={submit}>
        <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
          <fieldset className="nhsuk-fieldset" aria-describedby={error ? `${CONFIRM_ID}-error` : undefined}>
            <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Confirm removal</legend>
            {error && <ErrorMessage id={`${CONFIRM_ID}-error`}>{error}</ErrorMessage>}
            <div className="nhsuk-checkboxes">
              <div className="nhsuk-checkboxes__item">
                <input className="nhsuk-checkboxes__input" id={CONFIRM_ID} name="confirm" type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} />
                <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={CONFIRM_ID}>
                  I want to remove {name} from this profile
                </label>
              </div>
            </div>
          </fieldset>
        </div>
        <div role="status" className="nhsuk-body">
          {mutation.isPending ? 'Removing the authenticator…' : ''}
        </div>
        <div className="nhsuk-button-group">
          <button className="nhsuk-button nhsuk-button--warning" type="submit" disabled={mutation.isPending}>
            Remove authenticator
          </button>
          <a className="nhsuk-link" href={holder.back}>
            Go back without removing
          </a>
        </div>
      </form>
    </>
  );
}
