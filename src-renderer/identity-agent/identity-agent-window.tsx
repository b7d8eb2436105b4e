import type { AgentSnapshot } from '../api/agent-client.js';
import { useDocumentTitle } from '../components/use-document-title.js';
import { IDENTITY_AGENT_HEADING_ID, IdentityAgentBox } from './identity-agent-box.js';
import { renewalOffer } from './renewal-offer.js';

// "#identity-agent": the small window Electron opens from the tray, the Identity Agent box and
// nothing else. When nobody is signed in it says what the agent is waiting for.

export function IdentityAgentWindow({ snapshot }: { snapshot: AgentSnapshot }) {
  useDocumentTitle('Identity Agent');
  const screen = snapshot.state?.screen;
  return (
    <main className="app-compact" id="maincontent">
      {screen?.kind === 'signed-in' ? (
        // The same Yes / Renew now as the main window, whose renewal pages then take over.
        <IdentityAgentBox session={screen.session} headingLevel={1} renewalOffer={renewalOffer(screen)} />
      ) : (
        <section className="nhsuk-card app-identity-agent" aria-labelledby={IDENTITY_AGENT_HEADING_ID}>
          <div className="nhsuk-card__content">
            <h1 className="nhsuk-card__heading nhsuk-heading-m" id={IDENTITY_AGENT_HEADING_ID}>
              Identity Agent
            </h1>
            <p role="status">{describeWaiting(snapshot)}</p>
          </div>
        </section>
      )}
    </main>
  );
}

function describeWaiting(snapshot: AgentSnapshot): string {
  const state = snapshot.state;
  const { kind } = snapshot.connection;
  if (kind === 'no-secret' || kind === 'refused') return 'Not connected to the Identity Agent.';
  if (!state) return 'Connecting to the Identity Agent…';
  if (state.service.status === 'unreachable') return 'Cannot reach the identity service.';
  switch (state.screen.kind) {
    case 'no-readers':
      return 'No smartcard reader.';
    case 'no-card':
      return 'Insert your smartcard.';
    case 'reading-card':
      return 'Reading your smartcard…';
    case 'card-error':
      return `Your smartcard cannot be read: ${state.screen.message}`;
    case 'passcode':
      return `Enter the passcode for ${state.screen.holderName} in the Care Identity window.`;
    case 'locked-card':
      return 'Your smartcard is locked.';
    case 'renewal-recovery':
      return "Finishing your smartcard's renewal in the Care Identity window.";
    case 'self-unlock':
      return 'Unlocking your smartcard in the Care Identity window.';
    case 'choose-position':
      return 'Choose your organisation in the Care Identity window.';
    case 'session-locked':
      return `Session locked for ${state.screen.holderName}.`;
    case 'signed-in':
      return 'Signed in.';
  }
}
