import { ipcMain } from 'electron';
import { AGENT_CHANNELS, type AgentState } from '../../../src-shared/api/agent-api.js';
import type { Agent } from '../../agent/agent-types.js';
import { toAgentError } from '../agent-error.js';
import { STATE_PUSH_CHANNEL, type AgentReply } from './ipc-channels.js';
import type { TrustedSenders } from './trusted-senders.js';

// The one IPC hub: a handler per agent channel (the keys of AGENT_CHANNELS, nothing else), each
// checking the sender before the agent sees the payload (which the agent validates), and every
// new state pushed to our windows. Errors come back as values in the shared AgentError shape.

/** The same ceiling as the browser shell's WebSocket messages. */
const MAX_PAYLOAD_CHARS = 64 * 1024;

const HUB_CHANNELS = Object.keys(AGENT_CHANNELS) as (keyof typeof AGENT_CHANNELS)[];

export function setupIpcHub(agent: Agent, trusted: TrustedSenders, report: (line: string) => void = (line) => console.error(line)): () => void {
  for (const channel of HUB_CHANNELS) {
    ipcMain.handle(channel, async (event, payload: unknown): Promise<AgentReply> => {
      if (!trusted.allows(event)) {
        report(`refused IPC "${channel}" from an untrusted sender (webContents ${event.sender.id})`);
        return { type: 'error', error: { code: 'forbidden', message: 'This window may not use the Identity Agent.' } };
      }
      if (tooLarge(payload)) {
        return { type: 'error', error: { code: 'bad-request', message: 'The request is too large.' } };
      }
      try {
        return { type: 'result', result: (await agent.handle(channel, payload)) as never };
      } catch (err) {
        const error = toAgentError(err);
        // Name the channel and the error class only: a message or stack could carry card or service data.
        if (error.code === 'internal') report(`agent request ${channel} failed unexpectedly (${(err as Error)?.name ?? 'unknown error'})`);
        return { type: 'error', error };
      }
    });
  }
  const push = (state: AgentState): void => {
    for (const wc of trusted.all()) wc.send(STATE_PUSH_CHANNEL, state);
  };
  const unsubscribe = agent.onState(push);
  return () => {
    unsubscribe();
    for (const channel of HUB_CHANNELS) ipcMain.removeHandler(channel);
  };
}

function tooLarge(payload: unknown): boolean {
  try {
    return (JSON.stringify(payload) ?? '').length > MAX_PAYLOAD_CHARS;
  } catch {
    // Cyclic or otherwise unserialisable: no valid request looks like that.
    return true;
  }
}
