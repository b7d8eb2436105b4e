import { ServerMessage, type AgentChannel } from '../../src-shared/api/agent-api.js';
import { AgentCallError } from './agent-call-error.js';
import type { AgentTransport } from './agent-transport.js';
import type { ConnectionStatus } from './connection-status.js';
import { reconnectDelayMs } from './reconnect-delay.js';

// Browser mode: the agent's API over one WebSocket (ClientMessage out, ServerMessage in).
// Every incoming message is checked with zod; anything else is dropped, never trusted.
// Requests are never queued while disconnected: a passcode typed during a drop must not be
// sent later behind the user's back, so such calls fail at once and the user retries.

const REQUEST_TIMEOUT_MS = 60_000;
/** The browser shell closes with this (RFC 6455 policy violation) when it refuses a client. */
const REFUSED = 1008;

interface Pending {
  readonly resolve: (result: unknown) => void;
  readonly reject: (error: AgentCallError) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

export interface WebSocketTransportOptions {
  readonly url: string;
  /** Called once if the agent refuses this page; retrying with the same secret cannot help. */
  readonly onRefused?: () => void;
}

export function createWebSocketTransport(options: WebSocketTransportOptions): AgentTransport {
  const stateListeners = new Set<(state: unknown) => void>();
  const connectionListeners = new Set<(status: ConnectionStatus) => void>();
  const pending = new Map<number, Pending>();
  let status: ConnectionStatus = { kind: 'connecting' };
  let socket: WebSocket | null = null;
  let nextId = 1;
  let attempt = 0;
  let everConnected = false;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const setStatus = (next: ConnectionStatus): void => {
    status = next;
    for (const listener of connectionListeners) listener(next);
  };

  const failPending = (error: AgentCallError): void => {
    for (const [id, call] of pending) {
      clearTimeout(call.timer);
      pending.delete(id);
      call.reject(error);
    }
  };

  const onMessage = (event: MessageEvent): void => {
    if (typeof event.data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch {
      console.warn('agent: dropped a message that is not JSON');
      return;
    }
    const parsed = ServerMessage.safeParse(json);
    if (!parsed.success) {
      console.warn('agent: dropped a message outside the contract', parsed.error.issues[0]);
      return;
    }
    const message = parsed.data;
    // Connected means the agent has spoken, not merely that the socket opened: the shell
    // accepts the upgrade before it checks the secret and the Origin.
    if (status.kind !== 'connected') {
      attempt = 0;
      everConnected = true;
      setStatus({ kind: 'connected' });
    }
    if (message.type === 'state') {
      for (const listener of stateListeners) listener(message.state);
      return;
    }
    const call = message.id === null ? undefined : pending.get(message.id);
    if (!call) {
      if (message.type === 'error') console.warn('agent:', message.error.code, message.error.message);
      return;
    }
    clearTimeout(call.timer);
    pending.delete(message.id as number);
    if (message.type === 'result') call.resolve(message.result);
    else call.reject(new AgentCallError(message.error.code, message.error.message));
  };

  const connect = (): void => {
    retryTimer = null;
    if (closed) return;
    // While retrying, the status stays "reconnecting" (the banner reads "Trying again now").
    if (status.kind !== 'reconnecting') setStatus({ kind: 'connecting' });
    const ws = new WebSocket(options.url);
    socket = ws;
    ws.addEventListener('message', onMessage);
    ws.addEventListener('close', (event) => {
      if (socket !== ws) return;
      socket = null;
      failPending(new AgentCallError('disconnected', 'The connection to the Identity Agent dropped. Try again.'));
      if (closed) return;
      if (event.code === REFUSED) {
        closed = true;
        setStatus({ kind: 'refused' });
        options.onRefused?.();
        return;
      }
      const delay = reconnectDelayMs(attempt++);
      setStatus({ kind: 'reconnecting', retryAt: Date.now() + delay, everConnected });
      retryTimer = setTimeout(connect, delay);
    });
  };

  connect();

  return {
    request(channel: AgentChannel, payload: unknown): Promise<unknown> {
      const ws = socket;
      if (!ws || ws.readyState !== WebSocket.OPEN || status.kind !== 'connected') {
        return Promise.reject(new AgentCallError('disconnected', 'Not connected to the Identity Agent. Try again in a moment.'));
      }
      const id = nextId++;
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(new AgentCallError('timeout', 'The Identity Agent did not answer. Try again.'));
        }, REQUEST_TIMEOUT_MS);
        pending.set(id, { resolve, reject, timer });
        ws.send(JSON.stringify({ id, channel, payload }));
      });
    },
    onState(listener) {
      stateListeners.add(listener);
      return () => stateListeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => connectionListeners.delete(listener);
    },
    connection: () => status,
    close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      failPending(new AgentCallError('disconnected', 'The page is closing.'));
      socket?.close();
      socket = null;
    },
  };
}

/** ws(s)://<this host>/api?secret=..., the browser shell's API endpoint. */
export function agentSocketUrl(location: Location, secret: string): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/api?secret=${encodeURIComponent(secret)}`;
}
