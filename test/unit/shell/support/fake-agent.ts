import { AGENT_CHANNELS, type AgentChannel, type AgentState } from '../../../../src-shared/api/agent-api.js';
import { AgentFailure, type Agent } from '../../../../src-main/agent/agent-types.js';
import type { BridgeSignInAnswer } from '../../../../src-shared/api/agent-bridge.js';

// A stand-in for the agent core, for testing the shells above it: a valid state, the contract's
// own channel and payload checks, a state change on 'agent.lock', and an unexpected fault on
// 'cim.myProfile' (whose message must never reach a client).

export const FAULT_DETAIL = 'ENOENT /home/someone/.secret/card.json';

export function initialState(): AgentState {
  return {
    version: 0,
    indicator: 'no-card',
    removalMode: 'normal',
    removalNotice: 'Removing your smartcard will log you out of every app.',
    service: { status: 'connected', message: null, retryInSeconds: null },
    readers: [{ name: 'Reader 1', card: null }],
    screen: { kind: 'no-card' },
    training: null,
  };
}

export class FakeAgent implements Agent {
  private current = initialState();
  private readonly listeners = new Set<(state: AgentState) => void>();
  readonly calls: Array<{ channel: string; payload: unknown }> = [];
  closed = false;

  state(): AgentState {
    return this.current;
  }

  onState(listener: (state: AgentState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  /** Moves to a new state and tells every listener, as the core does. */
  change(update: Partial<AgentState>): AgentState {
    this.current = { ...this.current, ...update, version: this.current.version + 1 };
    for (const listener of this.listeners) listener(this.current);
    return this.current;
  }

  async signInForApp(): Promise<BridgeSignInAnswer> {
    return { outcome: 'no-session' };
  }

  async handle(channel: string, payload: unknown): Promise<unknown> {
    this.calls.push({ channel, payload });
    if (!Object.hasOwn(AGENT_CHANNELS, channel)) throw new AgentFailure('unknown-channel', 'No such request.');
    const parsed = AGENT_CHANNELS[channel as AgentChannel].request.safeParse(payload);
    if (!parsed.success) throw new AgentFailure('bad-request', 'That request is not valid.');
    switch (channel as AgentChannel) {
      case 'agent.getState':
        return this.current;
      case 'agent.lock':
        this.change({ indicator: 'locked' });
        return { ok: true };
      case 'cim.myProfile':
        throw new Error(FAULT_DETAIL);
      default:
        return { ok: true };
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
