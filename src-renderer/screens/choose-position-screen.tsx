import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Screen } from '../../src-shared/api/agent-api.js';
import { toAgentCallError } from '../api/agent-call-error.js';
import { useAgentClient } from '../api/agent-context.js';
import { ErrorMessage, ErrorSummary } from '../components/error-summary.js';
import { useDocumentTitle } from '../components/use-document-title.js';
import { describeRoles } from '../format/roles.js';

type ChoosePositionState = Extract<Screen, { kind: 'choose-position' }>;

/** Smartcard login, step 2 (seed 003): "Highlight the required Organisation → select OK." */
export function ChoosePositionScreen({ screen }: { screen: ChoosePositionState }) {
  const client = useAgentClient();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  const onlyChoice = screen.positions.length === 1 ? screen.positions[0]?.positionId : undefined;
  const [selected, setSelected] = useState<number | null>(screen.rememberedPositionId ?? onlyChoice ?? null);
  const [remember, setRemember] = useState(screen.rememberedPositionId !== null);
  const [localError, setLocalError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [failures, setFailures] = useState(0);
  useDocumentTitle('Choose your organisation');

  useEffect(() => {
    headingRef.current?.focus();
  }, []);
  useEffect(() => {
    if (failures > 0) summaryRef.current?.focus();
  }, [failures]);

  const working = screen.busy || sending;
  const error = localError ?? screen.error;
  const firstId = screen.positions[0] ? `position-${screen.positions[0].positionId}` : 'position';

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (working) return;
    if (selected === null) {
      setLocalError('Select the organisation and position you are working in');
      setFailures((n) => n + 1);
      return;
    }
    setLocalError(null);
    setSending(true);
    client
      .invoke('agent.choosePosition', { positionId: selected, remember })
      .catch((failure: unknown) => {
        setLocalError(toAgentCallError(failure).message);
        setFailures((n) => n + 1);
      })
      .finally(() => setSending(false));
  };

  return (
    <form noValidate onSubmit={submit}>
      <ErrorSummary ref={summaryRef} errors={error ? [{ text: error, href: `#${firstId}` }] : []} />
      <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
        <fieldset className="nhsuk-fieldset" aria-describedby={`position-hint${error ? ' position-error' : ''}`}>
          <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--l">
            <span className="nhsuk-caption-l">
              {screen.holderName}
              <span className="nhsuk-u-visually-hidden"> - </span>
            </span>
            <h1 className="nhsuk-fieldset__heading" tabIndex={-1} ref={headingRef}>
              Choose your organisation
            </h1>
          </legend>
          <div className="nhsuk-hint" id="position-hint">
            Select the organisation and position you are working in, then select OK.
          </div>
          {error && <ErrorMessage id="position-error">{error}</ErrorMessage>}
          <div className="nhsuk-radios">
            {screen.positions.map((choice) => {
              const id = `position-${choice.positionId}`;
              return (
                <div className="nhsuk-radios__item" key={choice.positionId}>
                  <input
                    className="nhsuk-radios__input"
                    id={id}
                    name="position"
                    type="radio"
                    value={choice.positionId}
                    checked={selected === choice.positionId}
                    onChange={() => setSelected(choice.positionId)}
                    aria-describedby={`${id}-hint`}
                  />
                  <label className="nhsuk-label nhsuk-radios__label" htmlFor={id}>
                    {choice.organisation.name} — {choice.title}
                  </label>
                  <div className="nhsuk-hint nhsuk-radios__hint" id={`${id}-hint`}>
                    {describeRoles(choice.roles)}
                  </div>
                </div>
              );
            })}
          </div>
        </fieldset>
      </div>
      <div className="nhsuk-form-group">
        <div className="nhsuk-checkboxes">
          <div className="nhsuk-checkboxes__item">
            <input
              className="nhsuk-checkboxes__input"
              id="remember-position"
              type="checkbox"
              checked={remember}
              onChange={(event) => setRemember(event.currentTarget.checked)}
            />
            <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor="remember-position">
              Remember my selection
            </label>
          </div>
        </div>
      </div>
      <div role="status" className="nhsuk-body">
        {working ? 'Logging you in…' : ''}
      </div>
      <button className="nhsuk-button" type="submit" disabled={working}>
        OK
      </button>
    </form>
  );
}
