import type { AgentChannel } from '../../src-shared/api/agent-api.js';
import type { ConnectionStatus } from './connection-status.js';

// What a shell's bridge has to offer the renderer: a request/response channel, pushed states and
// the health of the link. Payloads and results are unchecked here; the typed client checks them
// against AGENT_CHANNELS, and the transports check every state against AgentState.

export interface AgentTransport {
  /** Resolves with the raw result or rejects with an AgentCallError. */
  request(channel: AgentChannel, payload: unknown): Promise<unknown>;
  onState(listener: (state: unknown) => void): () => void;
  onConnection(listener: (status: ConnectionStatus) => void): () => void;
  connection(): ConnectionStatus;
  close(): void;
}
