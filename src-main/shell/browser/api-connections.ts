import { AgentChannelName, ClientMessage, type AgentErrorCode, type AgentState, type ServerMessage } from '../../../src-shared/api/agent-api.js';
import type { Agent } from '../../agent/agent-types.js';
import { toAgentError } from '../agent-error.js';

// The browser shell's side of each admitted WebSocket: every message is checked (JSON text,
// then the ClientMessage envelope, then a known channel) before the agent sees it, and the
// agent itself checks the payload. A bad message gets an error message and the connection
// carries on. Every admitted connection gets the current state at once and each new state after.

/** The few members of a `ws` WebSocket this file uses (the ws package ships no types here). */
export interface ShellSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  on(event: 'message', listener: (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
}

const OPEN = 1;
/** A page has a handful of requests in flight at most; more means a runaway or a hostile client. */
const MAX_IN_FLIGHT = 16;

export class ApiConnections {
  private readonly sockets = new Set<ShellSocket>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly agent: Agent,
    private readonly reportFault: (err: unknown) => void = (err) => console.error('agent request failed unexpectedly:', err),
  ) {
    this.unsubscribe = agent.onState((state) => this.broadcast(state));
  }

  get size(): number {
    return this.sockets.size;
  }

  attach(socket: ShellSocket): void {
    this.sockets.add(socket);
    let inFlight = 0;
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('message', (data, isBinary) => {
      const request = readRequest(data, isBinary);
      if ('error' in request) {
        send(socket, { type: 'error', id: request.id, error: { code: request.error, message: request.message } });
        return;
      }
      if (inFlight >= MAX_IN_FLIGHT) {
        send(socket, { type: 'error', id: request.id, error: { code: 'not-now', message: 'Too many requests at once: wait for the earlier ones to finish.' } });
        return;
      }
      inFlight++;
      this.agent.handle(request.channel, request.payload).then(
        (result) => send(socket, { type: 'result', id: request.id, result }),
        (err: unknown) => {
          const error = toAgentError(err);
          if (error.code === 'internal') this.reportFault(err);
          send(socket, { type: 'error', id: request.id, error });
        },
      ).finally(() => inFlight--);
    });
    send(socket, { type: 'state', state: this.agent.state() });
  }

  /** Closes every connection (1001: the shell is going away) and stops listening to the agent. */
  closeAll(): void {
    this.unsubscribe();
    for (const socket of this.sockets) socket.close(1001, 'The Identity Agent is shutting down.');
    this.sockets.clear();
  }

  private broadcast(state: AgentState): void {
    const message = JSON.stringify({ type: 'state', state } satisfies ServerMessage);
    for (const socket of this.sockets) if (socket.readyState === OPEN) socket.send(message);
  }
}

type ReadRequest =
  | { readonly id: number; readonly channel: string; readonly payload: unknown }
  | { readonly id: number | null; readonly error: AgentErrorCode; readonly message: string };

function readRequest(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): ReadRequest {
  if (isBinary) return { id: null, error: 'bad-request', message: 'Requests must be JSON text, not binary.' };
  const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { id: null, error: 'bad-request', message: 'The request is not valid JSON.' };
  }
  const envelope = ClientMessage.safeParse(json);
  if (!envelope.success) {
    return { id: idOf(json), error: 'bad-request', message: 'The request needs a numeric id, a channel name and a payload, and nothing else.' };
  }
  const { id, channel, payload } = envelope.data;
  // Checked here as well as in the agent, so nothing unlisted ever reaches it.
  if (!AgentChannelName.safeParse(channel).success) return { id, error: 'unknown-channel', message: 'The agent has no request by that name.' };
  return { id, channel, payload };
}

/** The id of a malformed request, when it has a usable one, so the client can match the error. */
function idOf(json: unknown): number | null {
  if (typeof json !== 'object' || json === null || !('id' in json)) return null;
  const id = json.id;
  return typeof id === 'number' && Number.isSafeInteger(id) && id >= 0 ? id : null;
}

function send(socket: ShellSocket, message: ServerMessage): void {
  if (socket.readyState === OPEN) socket.send(JSON.stringify(message));
}
