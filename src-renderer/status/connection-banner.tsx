import type { ConnectionStatus } from '../api/connection-status.js';
import { ImportantBanner } from '../components/important-banner.js';
import { PageHeading } from '../components/page-heading.js';
import { tryingAgainIn } from './trying-again.js';
import { useSecondsUntil } from './use-seconds-until.js';

// This window's own link to the Identity Agent (browser mode's WebSocket).

export function ConnectionBanner({ connection }: { connection: ConnectionStatus }) {
  const seconds = useSecondsUntil(connection.kind === 'reconnecting' ? connection.retryAt : null);
  if (connection.kind !== 'reconnecting') return null;
  return (
    <ImportantBanner
      id="connection-banner"
      heading={<>{connection.everConnected ? 'Lost connection to the Identity Agent.' : 'Cannot connect to the Identity Agent.'} {tryingAgainIn(seconds)}</>}
    >
      {!connection.everConnected && (
        <p>Check that the Identity Agent is running, and open this page from the address it showed when it started.</p>
      )}
    </ImportantBanner>
  );
}

/**
 * Shown instead of everything else when this page cannot use the agent: it was opened without
 * the launch secret, or the agent refused it (a secret from an earlier start).
 */
export function NotAllowedScreen({ reason }: { reason: 'no-secret' | 'refused' }) {
  return (
    <>
      <PageHeading>Open Care Identity from the Identity Agent</PageHeading>
      <p>
        {reason === 'no-secret'
          ? 'This address is missing the one-time key that lets this page talk to the Identity Agent on this computer.'
          : 'The Identity Agent did not accept this page. The address may be from an earlier start of the Identity Agent.'}
      </p>
      <p>
        Open the address the Identity Agent showed when it last started. It begins with <span className="app-code">http://127.0.0.1</span> and ends with{' '}
        <span className="app-code">?secret=</span> followed by the key.
      </p>
    </>
  );
}

/** Before the first state arrives. */
export function ConnectingScreen() {
  return (
    <>
      <PageHeading>Connecting to the Identity Agent</PageHeading>
      <p>This takes a moment.</p>
    </>
  );
}
