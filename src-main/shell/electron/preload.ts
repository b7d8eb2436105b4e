import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { AgentState } from '../../../src-shared/api/agent-api.js';
import { CARE_IDENTITY_GLOBAL, IPC_INVOKE_CHANNELS, STATE_PUSH_CHANNEL, type AgentChannel, type AgentReply, type AgentRequest } from './ipc-channels.js';

// The sandboxed preload: the page gets `window.careIdentity`, a domain API of two methods.
// Never ipcRenderer itself, never an Electron event object: only channel names from the
// contract go out, and only the AgentState comes in. Bundled as CommonJS (sandboxed preloads
// cannot load ES modules), with the names compiled in.

const channels: ReadonlySet<string> = new Set(IPC_INVOKE_CHANNELS);

const api = {
  /** Runs one agent request; resolves with its result or its AgentError, never rejects. */
  invoke<C extends AgentChannel>(channel: C, payload: AgentRequest<C>): Promise<AgentReply<C>> {
    if (typeof channel !== 'string' || !channels.has(channel)) {
      return Promise.resolve({ type: 'error', error: { code: 'unknown-channel', message: 'The agent has no request by that name.' } });
    }
    return ipcRenderer.invoke(channel, payload) as Promise<AgentReply<C>>;
  },
  /** Calls `listener` with every new agent state; returns the function that stops it. */
  onState(listener: (state: AgentState) => void): () => void {
    const forward = (_event: IpcRendererEvent, state: AgentState): void => listener(state);
    ipcRenderer.on(STATE_PUSH_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(STATE_PUSH_CHANNEL, forward);
    };
  },
};

/** The type of `window.careIdentity`, derived from the object itself so the two cannot drift. */
export type CareIdentityApi = typeof api;

contextBridge.exposeInMainWorld(CARE_IDENTITY_GLOBAL, api);
