import { z } from 'zod';
import { AgentError, type AgentChannel } from '../../src-shared/api/agent-api.js';
import { AgentCallError, toAgentCallError } from './agent-call-error.js';
import type { AgentTransport } from './agent-transport.js';
import type { ConnectionStatus } from './connection-status.js';

// Electron: the preload's contextBridge object (src-main/shell/electron/preload.ts). It is
// in-process IPC, so the link is always up; replies and states are still checked here and by
// the typed client, because the renderer trusts nothing it has not checked.

export interface CareIdentityBridge {
  /** Settles with a reply envelope and never rejects: contextBridge keeps only an Error's message. */
  invoke(channel: string, payload: unknown): Promise<unknown>;
  onState(listener: (state: unknown) => void): () => void;
}

declare global {
  interface Window {
    /** Present only inside the Electron shell (set by its preload). */
    readonly careIdentity?: CareIdentityBridge;
  }
}

/** The WebSocket's result and error messages without their ids. */
const Reply = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('result'), result: z.unknown() }),
  z.strictObject({ type: z.literal('error'), error: AgentError }),
]);

const CONNECTED: ConnectionStatus = { kind: 'connected' };

export function createElectronTransport(bridge: CareIdentityBridge): AgentTransport {
  return {
    async request(channel: AgentChannel, payload: unknown): Promise<unknown> {
      let outcome: unknown;
      try {
        outcome = await bridge.invoke(channel, payload);
      } catch (error) {
        throw toAgentCallError(error);
      }
      const reply = Reply.safeParse(outcome);
      if (!reply.success) throw new AgentCallError('bad-response', 'The Identity Agent sent an answer this window cannot read. Try again.');
      if (reply.data.type === 'error') throw new AgentCallError(reply.data.error.code, reply.data.error.message);
      return reply.data.result;
    },
    onState: (listener) => bridge.onState(listener),
    onConnection: () => () => undefined,
    connection: () => CONNECTED,
    close: () => undefined,
  };
}
