import { useState } from 'react';
import { useAgentClient } from '../../api/agent-context.js';
import { WarningCallout } from '../../components/callouts.js';
import { ErrorMessage } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { SuccessBanner } from '../users/user-form-fields.js';
import { CardJobFlow, StartJobForm } from './card-job-flow.js';
import { BackToProfile, SmartcardFrame, WithCard } from './smartcard-frame.js';

// "Clear a smartcard so it can be reused": the holder's card in the second reader; the agent
// proves it is the card on record, deletes what it holds and puts it back to factory state,
// and the service revokes its certificates and unregisters it. The RA ticks to confirm first:
// the holder can no longer log in with it.

const TITLE = 'Clear a smartcard so it can be reused';
const CONFIRM_ID = 'clear-confirm';
const CONFIRM_ERROR = 'Confirm that you want to clear this smartcard';

export function ClearSmartcardPage({ uuid, cardUuid }: { uuid: string; cardUuid: string }) {
  const client = useAgentClient();
  const [confirmed, setConfirmed] = useState(false);
  const [unconfirmed, setUnconfirmed] = useState(false);
  return (
    <SmartcardFrame uuid={uuid} heading={TITLE}>
      {(holder) => (
        <WithCard holder={holder} cardUuid={cardUuid} heading={TITLE}>
          {(card) => (
            <CardJobFlow
              holder={holder}
              card={card}
              words={{ title: TITLE, working: 'Clearing the smartcard' }}
              check={(inspection, onStarted, again) => (
                <StartJobForm
                  holder={holder}
                  card={card}
                  inspection={inspection}
                  title={TITLE}
                  heading="Check the smartcard"
                  button="Clear smartcard"
                  warning
                  validate={() => {
                    setUnconfirmed(!confirmed);
                    return confirmed ? null : { text: CONFIRM_ERROR, href: `#${CONFIRM_ID}` };
                  }}
                  start={() => client.invoke('smartcard.clear', { cardUuid: card.uuid })}
                  onStarted={onStarted}
                  again={again}
                >
                  <WarningCallout heading="Important" headingLevel={2}>
                    <p>
                      Clearing deletes the certificate, keys and passcode on this smartcard and revokes its certificates. {holder.name} will not be able to log in
                      with it. The smartcard can then be issued to anyone.
                    </p>
                  </WarningCallout>
                  <div className={`nhsuk-form-group${unconfirmed ? ' nhsuk-form-group--error' : ''}`}>
                    <fieldset className="nhsuk-fieldset" aria-describedby={unconfirmed ? `${CONFIRM_ID}-error` : undefined}>
                      <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Confirm</legend>
                      {unconfirmed && <ErrorMessage id={`${CONFIRM_ID}-error`}>{CONFIRM_ERROR}</ErrorMessage>}
                      <div className="nhsuk-checkboxes">
                        <div className="nhsuk-checkboxes__item">
                          <input
                            className="nhsuk-checkboxes__input"
                            id={CONFIRM_ID}
                            type="checkbox"
                            checked={confirmed}
                            onChange={(e) => setConfirmed(e.target.checked)}
                          />
                          <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={CONFIRM_ID}>
                            I want to clear this smartcard of {holder.name}
                          </label>
                        </div>
                      </div>
                    </fieldset>
                  </div>
                </StartJobForm>
              )}
              done={() => (
                <>
                  <SuccessBanner id="smartcard-cleared">
                    <PageHeading className="nhsuk-notification-banner__heading">Smartcard cleared successfully</PageHeading>
                    <p className="nhsuk-body">The smartcard is blank and can be issued again. Its certificates are revoked.</p>
                  </SuccessBanner>
                  <BackToProfile holder={holder} />
                </>
              )}
            />
          )}
        </WithCard>
      )}
    </SmartcardFrame>
  );
}
