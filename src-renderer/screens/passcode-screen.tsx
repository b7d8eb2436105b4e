import type { Screen } from '../../src-shared/api/agent-api.js';
import { useAgentClient } from '../api/agent-context.js';
import { PageHeading } from '../components/page-heading.js';
import { PasscodeForm } from './passcode-form.js';

type PasscodeScreenState = Extract<Screen, { kind: 'passcode' }>;

/** Smartcard login, step 1 (seed 003): "Insert the Smartcard into the card reader → enter the Passcode → select OK." */
export function PasscodeScreen({ screen }: { screen: PasscodeScreenState }) {
  const client = useAgentClient();
  const cancel = (): void => {
    client.invoke('agent.cancelPasscode', {}).catch((error: unknown) => console.warn('agent: cancel failed', error));
  };
  return (
    <>
      <PageHeading caption="Smartcard login" title="Enter your passcode">
        {screen.holderName}
      </PageHeading>
      <p>Enter your smartcard passcode, then select OK.</p>
      <PasscodeForm
        attemptsRemaining={screen.attemptsRemaining}
        lastAttempt={screen.lastAttempt}
        busy={screen.busy}
        agentError={screen.error}
        onCancel={cancel}
      />
    </>
  );
}
