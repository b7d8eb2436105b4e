import { useId, useState } from 'react';
import type { Screen } from '../../src-shared/api/agent-api.js';
import { InsetText } from '../components/callouts.js';
import { PageHeading } from '../components/page-heading.js';

type LockedCardState = Extract<Screen, { kind: 'locked-card' }>;

// Unlocking (self-service or by a sponsor) comes in a later release. The button is here so
// users meet it where the national Identity Agent puts it, and it says plainly what to do today.

export function LockedCardScreen({ screen }: { screen: LockedCardState }) {
  const [explained, setExplained] = useState(false);
  const panelId = useId();
  return (
    <>
      <PageHeading caption={screen.holderName}>Your smartcard is locked</PageHeading>
      <p>This smartcard was locked because the wrong passcode was entered too many times. You cannot log in with it until it is unlocked.</p>
      <button
        className="nhsuk-button"
        type="button"
        aria-expanded={explained}
        aria-controls={panelId}
        onClick={() => setExplained(true)}
      >
        Unlock your smartcard
      </button>
      <div id={panelId} hidden={!explained}>
        {explained && (
          <InsetText>
            <p>Unlocking from this workstation is not available yet. It is coming in a later release.</p>
            <p>
              Until then, ask your sponsor or local smartcard administrator to unlock your smartcard. They need two smartcard readers: they log in with their
              own card, then put yours in the second reader.
            </p>
          </InsetText>
        )}
      </div>
      <p>Remove your smartcard from {screen.reader} when you are done.</p>
    </>
  );
}
