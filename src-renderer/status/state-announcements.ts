import type { AgentState } from '../../src-shared/api/agent-api.js';
import type { ConnectionStatus } from '../api/connection-status.js';

// What a screen-reader user should hear when something changes that does not move focus: a new
// screen already moves focus to its heading, so this covers readers, the service, the link and
// the training outbox.

export function describeStateChange(before: AgentState | null, after: AgentState): string[] {
  const said: string[] = [];
  if (before && before.service.status !== after.service.status) {
    if (after.service.status === 'unreachable') said.push('Cannot reach the identity service.');
    else if (after.service.status === 'connected' && before.service.status === 'unreachable') said.push('The identity service is back.');
  }
  if (before) {
    for (const reader of after.readers) {
      const was = before.readers.find((r) => r.name === reader.name);
      if (!was) continue;
      if (!was.card && reader.card) said.push(`Smartcard inserted in ${reader.name}.`);
      if (was.card && !reader.card) said.push(`Smartcard removed from ${reader.name}.`);
    }
    // A trainee waiting for a security code hears that it has come.
    const newest = after.training?.outbox[0];
    if (newest && newest.id !== before.training?.outbox[0]?.id) said.push(`New ${newest.channel === 'sms' ? 'text message' : 'email'} in the training outbox.`);
  }
  return said;
}

export function describeConnectionChange(before: ConnectionStatus, after: ConnectionStatus): string | null {
  if (before.kind === after.kind) return null;
  if (after.kind === 'reconnecting' && before.kind === 'connected') return 'Lost connection to the Identity Agent.';
  if (after.kind === 'connected' && before.kind !== 'connecting') return 'Connected to the Identity Agent again.';
  return null;
}
