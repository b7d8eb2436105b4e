import type { Screen } from '../../src-shared/api/agent-api.js';
import { PageHeading } from '../components/page-heading.js';
import { PasscodeForm } from './passcode-form.js';

type SessionLockedState = Extract<Screen, { kind: 'session-locked' }>;

// Session-lock removal mode: the session waits for the same card and passcode. The agent decides
// whether an inserted card is the session's own; the form appears only once it says so.

export function SessionLockedScreen({ screen }: { screen: SessionLockedState }) {
  return (
    <>
      <PageHeading caption={screen.holderName}>Session locked</PageHeading>
      <p>
        This session belongs to <strong>{screen.holderName}</strong>.
      </p>
      {screen.reason ? <p>{screen.reason}</p> : <p>Insert your smartcard and enter your passcode to continue.</p>}
      {screen.reader !== null && (
        <PasscodeForm
          attemptsRemaining={screen.attemptsRemaining}
          lastAttempt={screen.attemptsRemaining === 1}
          busy={screen.busy}
          agentError={screen.error}
        />
      )}
    </>
  );
}
