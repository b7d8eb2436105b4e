import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import type { IssuableKind } from '../../../src-shared/api/cim-authenticators.js';
import { ErrorMessage, ErrorSummary, type ErrorItem } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { CIM_PATHS } from '../cim-paths.js';
import { AuthenticatorFrame, BackToAuthenticators, type Holder } from './authenticator-frame.js';
import { AUTHENTICATOR_TYPES } from './authenticator-types.js';

// "Select authenticator type": the kinds the viewer may add for this person (the service says
// which), one radio each, then Continue to that kind's instructions.

const TITLE = 'Select authenticator type';
const FIELD_ID = 'authenticator-type';

export function SelectAuthenticatorTypePage({ uuid }: { uuid: string }) {
  return <AuthenticatorFrame uuid={uuid} heading={TITLE}>{(holder) => <SelectType holder={holder} />}</AuthenticatorFrame>;
}

function SelectType({ holder }: { holder: Holder }) {
  const navigate = useNavigate();
  const summaryRef = useRef<HTMLDivElement>(null);
  const [kind, setKind] = useState<IssuableKind | null>(null);
  const [errors, setErrors] = useState<readonly ErrorItem[]>([]);
  const [failures, setFailures] = useState(0);
  useEffect(() => {
    if (failures > 0) summaryRef.current?.focus();
  }, [failures]);

  const kinds = holder.authenticators.mayIssue.filter((k) => AUTHENTICATOR_TYPES[k] !== undefined);
  if (kinds.length === 0) {
    return (
      <>
        <PageHeading caption={holder.name}>{TITLE}</PageHeading>
        <p>You cannot add an authenticator to this profile.</p>
        <BackToAuthenticators holder={holder} />
      </>
    );
  }
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (kind === null) {
      setErrors([{ text: 'Select an authenticator type', href: `#${FIELD_ID}-${kinds[0]}` }]);
      setFailures((n) => n + 1);
      return;
    }
    void navigate(CIM_PATHS.authenticatorInstructions(holder.uuid, kind));
  };
  const error = errors[0]?.text;
  return (
    <>
      <PageHeading caption={holder.name}>{TITLE}</PageHeading>
      <ErrorSummary ref={summaryRef} errors={errors} />
      <form noValidate onSubmit={submit}>
        <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
          <fieldset className="nhsuk-fieldset" aria-describedby={error ? `${FIELD_ID}-error` : undefined}>
            <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">Which type of authenticator?</legend>
            {error && <ErrorMessage id={`${FIELD_ID}-error`}>{error}</ErrorMessage>}
            <div className="nhsuk-radios">
              {kinds.map((k) => {
                const type = AUTHENTICATOR_TYPES[k];
                if (!type) return null;
                return (
                  <div className="nhsuk-radios__item" key={k}>
                    <input className="nhsuk-radios__input" id={`${FIELD_ID}-${k}`} name="kind" type="radio" value={k} checked={kind === k} onChange={() => setKind(k)} aria-describedby={`${FIELD_ID}-${k}-hint`} />
                    <label className="nhsuk-label nhsuk-radios__label" htmlFor={`${FIELD_ID}-${k}`}>
                      {type.label}
                    </label>
                    <div className="nhsuk-hint nhsuk-radios__hint" id={`${FIELD_ID}-${k}-hint`}>
                      {type.hint}
                    </div>
                  </div>
                );
              })}
            </div>
          </fieldset>
        </div>
        <button className="nhsuk-button" type="submit">
          Continue
        </button>
      </form>
    </>
  );
}
