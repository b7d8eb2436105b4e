import {
  AGENT_CHANNELS,
  AgentState,
  type AgentChannel,
  type AgentRequest,
  type AgentResult,
} from '../../src-shared/api/agent-api.js';
import { AgentCallError } from './agent-call-error.js';
import type { AgentTransport } from './agent-transport.js';
import type { ConnectionStatus } from './connection-status.js';

// The renderer's one door to the agent. Types come from AGENT_CHANNELS, so a channel, its
// payload and its result cannot drift from the contract; values are checked at run time too.

export interface AgentSnapshot {
  /** Null until the agent has told us its state. */
  readonly state: AgentState | null;
  readonly connection: ConnectionStatus;
}

export interface AgentClient {
  invoke<C extends AgentChannel>(channel: C, payload: AgentRequest<C>): Promise<AgentResult<C>>;
  // Properties, not methods: useSyncExternalStore is handed them detached from the client.
  readonly snapshot: () => AgentSnapshot;
  /** For useSyncExternalStore: called after every change of snapshot(). */
  readonly subscribe: (listener: () => void) => () => void;
  close(): void;
}

export function createAgentClient(transport: AgentTransport): AgentClient {
  const listeners = new Set<() => void>();
  let snapshot: AgentSnapshot = { state: null, connection: transport.connection() };
  // After a (re)connection the first state is taken whatever its version: the agent may have
  // restarted and counted again from zero.
  let baseline = true;

  const publish = (next: AgentSnapshot): void => {
    snapshot = next;
    for (const listener of listeners) listener();
  };

  const acceptState = (raw: unknown): void => {
    const parsed = AgentState.safeParse(raw);
    if (!parsed.success) {
      console.warn('agent: dropped a state outside the contract', parsed.error.issues[0]);
      return;
    }
    const current = snapshot.state;
    if (!baseline && current && parsed.data.version <= current.version) return;
    baseline = false;
    publish({ ...snapshot, state: parsed.data });
  };

  async function invoke<C extends AgentChannel>(channel: C, payload: AgentRequest<C>): Promise<AgentResult<C>> {
    const spec = AGENT_CHANNELS[channel];
    const request = spec.request.safeParse(payload);
    if (!request.success) throw new AgentCallError('bad-request', 'That request is not valid.');
    const raw = await transport.request(channel, request.data);
    const result = spec.response.safeParse(raw);
    if (!result.success) {
      throw new AgentCallError('bad-response', 'The Identity Agent sent an answer this window cannot read. Try again.');
    }
    // The schema for channel C produced it; TypeScript cannot follow the index through the union.
    return result.data as AgentResult<C>;
  }

  const refresh = (): void => {
    invoke('agent.getState', {}).then(acceptState, (error: unknown) => {
      console.warn('agent: could not read the state', error);
    });
  };

  transport.onState(acceptState);
  transport.onConnection((connection) => {
    if (connection.kind === 'connected') {
      baseline = true;
      refresh();
    }
    publish({ ...snapshot, connection });
  });
  if (snapshot.connection.kind === 'connected') refresh();

  return {
    invoke,
    snapshot: () => snapshot,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => transport.close(),
  };
}
