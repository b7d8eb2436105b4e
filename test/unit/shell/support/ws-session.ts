import type { ServerMessage } from '../../../../src-shared/api/agent-api.js';
import { WebSocketClient, type WsClient } from './ws-client.js';

// One test connection to the browser shell: collects what the server sends, in order, and how
// the connection ended, so a test can await "the next message" or "the close".

export interface WsSession {
  readonly socket: WsClient;
  /** Resolves with the next message not yet taken (or rejects when the socket closes first). */
  next(): Promise<ServerMessage>;
  /** Messages that arrived and have not been taken. */
  readonly pending: ServerMessage[];
  request(id: number, channel: string, payload: unknown): void;
  readonly closed: Promise<{ code: number; reason: string }>;
}

export function openSession(url: string, origin: string | undefined): WsSession {
  const socket = new WebSocketClient(url, origin === undefined ? {} : { origin });
  const pending: ServerMessage[] = [];
  const waiters: Array<{ resolve: (m: ServerMessage) => void; reject: (e: Error) => void }> = [];
  let ended = false;
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString('utf8')) as ServerMessage;
    const waiter = waiters.shift();
    if (waiter) waiter.resolve(message);
    else pending.push(message);
  });
  socket.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => {
      ended = true;
      for (const w of waiters.splice(0)) w.reject(new Error(`socket closed (${code})`));
      resolve({ code, reason: reason.toString('utf8') });
    });
  });
  return {
    socket,
    pending,
    closed,
    next: () => {
      const ready = pending.shift();
      if (ready) return Promise.resolve(ready);
      if (ended) return Promise.reject(new Error('socket closed'));
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
    request: (id, channel, payload) => socket.send(JSON.stringify({ id, channel, payload })),
  };
}

/** Resolves once the socket is open (or rejects with how it failed). */
export function opened(session: WsSession): Promise<void> {
  return new Promise((resolve, reject) => {
    if (session.socket.readyState === 1) resolve();
    session.socket.on('open', () => resolve());
    session.socket.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    session.socket.on('error', reject);
  });
}
