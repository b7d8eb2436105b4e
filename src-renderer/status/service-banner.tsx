import { useMemo } from 'react';
import type { AgentState } from '../../src-shared/api/agent-api.js';
import { ImportantBanner } from '../components/important-banner.js';
import { tryingAgainIn } from './trying-again.js';
import { useSecondsUntil } from './use-seconds-until.js';

// The agent's link to the identity service. Only a failure is worth a banner: cards, readers
// and the training panel still work, but logging in and CIM tasks wait for the service.

export function ServiceBanner({ service, version }: { service: AgentState['service']; version: number }) {
  // The agent says how many seconds were left when it sent this state; count down from there.
  const deadline = useMemo(
    // The deadline is fixed when the state arrives, so reading the clock here is the point.
    // eslint-disable-next-line react-hooks/purity
    () => (service.status === 'unreachable' && service.retryInSeconds !== null ? Date.now() + service.retryInSeconds * 1000 : null),
    // `version` changes whenever the agent sends a new figure, even an equal one.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [service.status, service.retryInSeconds, version],
  );
  const seconds = useSecondsUntil(deadline);
  if (service.status !== 'unreachable') return null;
  return (
    <ImportantBanner id="service-banner" heading={<>Cannot reach the identity service. {service.retryInSeconds !== null ? tryingAgainIn(seconds) : 'Trying again.'}</>}>
      {service.message && <p>{service.message}</p>}
      <p>You cannot log in or use Care Identity Management until it is back. This page updates by itself.</p>
    </ImportantBanner>
  );
}
