import type { RepairedPart } from '../../../src-shared/api/cim-cards.js';
import { useAgentClient } from '../../api/agent-context.js';
import { PageHeading } from '../../components/page-heading.js';
import { SuccessBanner } from '../users/user-form-fields.js';
import { CardJobFlow, StartJobForm } from './card-job-flow.js';
import { BackToProfile, SmartcardFrame, WithCard } from './smartcard-frame.js';

// "Repair a smartcard": the holder's card in the second reader; the agent compares it with the
// service's record and writes back what is missing or wrong (the card's identifier, its
// certificate, only for the key the card holds). The passcode is not touched.

const TITLE = 'Repair a smartcard';

const REPAIRED_WORDS: Record<RepairedPart, string> = {
  certificate: "The smartcard's certificate was written to it again.",
  chuid: "The smartcard's identifier (CHUID) was written to it again.",
};

export function RepairSmartcardPage({ uuid, cardUuid }: { uuid: string; cardUuid: string }) {
  const client = useAgentClient();
  return (
    <SmartcardFrame uuid={uuid} heading={TITLE}>
      {(holder) => (
        <WithCard holder={holder} cardUuid={cardUuid} heading={TITLE}>
          {(card) => (
            <CardJobFlow
              holder={holder}
              card={card}
              words={{ title: TITLE, working: 'Repairing the smartcard' }}
              check={(inspection, onStarted, again) => (
                <StartJobForm
                  holder={holder}
                  card={card}
                  inspection={inspection}
                  title={TITLE}
                  heading="Check the smartcard"
                  button="Repair smartcard"
                  start={() => client.invoke('smartcard.repair', { cardUuid: card.uuid })}
                  onStarted={onStarted}
                  again={again}
                >
                  <p>
                    Repairing compares this smartcard with its record and writes back anything that is missing or wrong. The passcode of {holder.name} does not
                    change.
                  </p>
                </StartJobForm>
              )}
              done={(progress) => (
                <>
                  <SuccessBanner id="smartcard-repaired">
                    <PageHeading className="nhsuk-notification-banner__heading">Smartcard repaired successfully</PageHeading>
                    {progress.repaired.length === 0 ? (
                      <p className="nhsuk-body">Nothing on the smartcard needed repairing.</p>
                    ) : (
                      <ul className="nhsuk-list nhsuk-list--bullet">
                        {progress.repaired.map((part) => (
                          <li key={part}>{REPAIRED_WORDS[part]}</li>
                        ))}
                      </ul>
                    )}
                    {progress.message && progress.message !== 'Smartcard repaired successfully' && <p className="nhsuk-body">{progress.message}</p>}
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
