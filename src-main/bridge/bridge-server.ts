import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BRIDGE_SIGN_IN_PATH, BridgeSignInRequest, bridgeUrlOf, type BridgeSignInAnswer } from '../../src-shared/api/agent-bridge.js';

// The agent's bridge: a small HTTP server on 127.0.0.1 that the identity service's sign-in page
// calls from the browser. Who may ask is narrow on purpose:
// - only POST to one path, with `Origin` exactly the service's public origin (anything else: 403
//   and no CORS headers, so the browser shows the caller nothing); a preflight is answered for
//   that origin alone, with Access-Control-Allow-Private-Network for browsers that ask;
// - only JSON (a form or text/plain post, which needs no preflight, is refused), small;
// - only a Host naming the loopback address and this port (DNS rebinding);
// - the request carries a one-use ticket the service minted for that page, which the agent
//   redeems with its own session: the session token never leaves the agent, and nothing the
//   answer says (where the browser goes next) is of use to anyone but that page.

export interface AgentBridgeOptions {
  /** 0 picks a free port (tests, training); the default port otherwise. */
  readonly port: number;
  /** The service's public origin, exactly as browsers send it (scheme://host[:port]). */
  readonly allowedOrigin: string;
  readonly signIn: (request: BridgeSignInRequest) => Promise<BridgeSignInAnswer>;
}

export interface AgentBridge {
  /** http://127.0.0.1:<port>: what the service's page is told to call. */
  readonly url: string;
  close(): Promise<void>;
}

const BODY_LIMIT = 2048;

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    if (Number(request.headers['content-length'] ?? 0) > BODY_LIMIT) {
      reject(new Refusal(413, 'The request is too large.'));
      return;
    }
    let size = 0;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Past the limit the rest is read and dropped, so the refusal still reaches the caller.
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    request.on('end', () => (size > BODY_LIMIT ? reject(new Refusal(413, 'The request is too large.')) : resolve(Buffer.concat(chunks).toString('utf8'))));
    request.on('error', reject);
  });
}

const mediaType = (header: string | undefined): string => (header ?? '').split(';', 1)[0]?.trim().toLowerCase() ?? '';

export async function startAgentBridge(options: AgentBridgeOptions): Promise<AgentBridge> {
  const allowedOrigin = new URL(options.allowedOrigin).origin;
  let port = options.port;

  const reply = (response: ServerResponse, status: number, body: unknown, cors: boolean): void => {
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', vary: 'Origin' };
    if (cors) headers['access-control-allow-origin'] = allowedOrigin;
    response.writeHead(status, headers).end(JSON.stringify(body));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const host = (request.headers.host ?? '').toLowerCase();
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) throw new Refusal(421, 'This is the Identity Agent on this computer: call it by its loopback address.');
    if ((request.url ?? '').split('?', 1)[0] !== BRIDGE_SIGN_IN_PATH) throw new Refusal(404, 'No such request.');
    if (request.headers.origin !== allowedOrigin) throw new Refusal(403, 'Only the identity service’s sign-in page may ask the Identity Agent.');
    if (request.method === 'OPTIONS') {
      const asked = request.headers['access-control-request-method'];
      if (asked !== 'POST') throw new Refusal(403, 'Only POST is answered.');
      const headers: Record<string, string> = {
        'access-control-allow-origin': allowedOrigin,
        'access-control-allow-methods': 'POST',
        'access-control-allow-headers': 'content-type',
        'access-control-max-age': '600',
        vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network',
      };
      if (request.headers['access-control-request-private-network'] === 'true') headers['access-control-allow-private-network'] = 'true';
      response.writeHead(204, headers).end();
      return;
    }
    if (request.method !== 'POST') throw new Refusal(405, 'Only POST is answered.');
    if (mediaType(request.headers['content-type']) !== 'application/json') throw new Refusal(415, 'The request must be JSON.');
    let json: unknown;
    try {
      json = JSON.parse(await readBody(request));
    } catch (err) {
      if (err instanceof Refusal) throw err;
      throw new Refusal(400, 'The request could not be read as JSON.');
    }
    const parsed = BridgeSignInRequest.safeParse(json);
    if (!parsed.success) throw new Refusal(400, 'The request is not a sign-in request.');
    reply(response, 200, await options.signIn(parsed.data), true);
  };

  const server = createServer((request, response) => {
    handle(request, response).catch((err: unknown) => {
      if (response.headersSent) return;
      // Refusals carry no CORS headers: a page from elsewhere learns nothing, not even why.
      if (err instanceof Refusal) reply(response, err.status, { message: err.message }, false);
      else reply(response, 500, { message: 'The Identity Agent could not answer.' }, false);
    });
  });
  // Connections from a browser are kept alive; closing must not wait for them.
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: bridgeUrlOf(port),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
