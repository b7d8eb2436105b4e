import fastifyStatic from '@fastify/static';
import fastifyWebsocket from '@fastify/websocket';
import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';
import { BATCH_BODY_LIMIT_BYTES } from '../../../src-shared/api/cim-batch.js';
import type { Agent } from '../../agent/agent-types.js';
import { ApiConnections, type ShellSocket } from './api-connections.js';
import { checkApiAccess, hostOf, newShellSecret, type ShellIdentity } from './api-access.js';
import { cacheControlFor, securityHeaders } from './security-headers.js';
import { registerReportDownloads } from './report-download.js';

// Browser mode: the agent serves the built renderer and its API (a WebSocket at /api) on
// 127.0.0.1 only. The page is opened at http://127.0.0.1:<port>/?secret=<s>; the page's script
// passes that secret back on the WebSocket, whose Origin must be this shell's own. Static files
// go to anyone on loopback: they hold no secrets.

const API_PATH = '/api';
/**
 * Larger requests are refused (the WebSocket closes with 1009). The largest real one is a batch
 * file of position assignments (up to the service's limit for it); every other is under 64 KiB.
 */
export const MAX_MESSAGE_BYTES = BATCH_BODY_LIMIT_BYTES;
/** WebSocket close code for a refused client (RFC 6455: policy violation). */
const POLICY_VIOLATION = 1008;

export interface BrowserShellOptions {
  readonly agent: Agent;
  /** 0 picks a free port. */
  readonly port: number;
  /** The built renderer (dist/renderer). */
  readonly staticDir: string;
  /** Given in tests; otherwise a new random one. */
  readonly secret?: string;
  /** Where the one `agent ready:` line goes (stdout by default). */
  readonly announce?: (line: string) => void;
  readonly reportFault?: (err: unknown) => void;
}

export interface BrowserShell {
  /** The page to open, with the secret. */
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startBrowserShell(options: BrowserShellOptions): Promise<BrowserShell> {
  const secret = options.secret ?? newShellSecret();
  // Known once listening (port 0 picks one); no request can arrive before that.
  let shell: ShellIdentity = { origin: '', secret };
  let headers: Record<string, string> = {};

  const app = Fastify({ logger: false, bodyLimit: 1024, routerOptions: { maxParamLength: 100 } });
  const connections = new ApiConnections(options.agent, options.reportFault);

  // Answers only to its own address: a DNS name rebound to 127.0.0.1 gets nothing, not even files.
  app.addHook('onRequest', async (request, reply) => {
    if (request.headers.host !== hostOf(shell.origin)) {
      return reply.code(421).type('text/plain; charset=utf-8').send(`Open ${shell.origin}/ instead.`);
    }
  });
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.headers(headers);
    return payload;
  });

  // Before the WebSocket plugin's own preClose (hooks run in order), so clients hear why: 1001.
  app.addHook('preClose', async () => connections.closeAll());
  await app.register(fastifyWebsocket, {
    options: { maxPayload: MAX_MESSAGE_BYTES, perMessageDeflate: false },
    // A socket error (a client vanishing mid-frame) ends that connection only.
    errorHandler: (_error, socket) => (socket as ShellSocket & { terminate(): void }).terminate(),
  });
  await app.register(fastifyStatic, {
    root: options.staticDir,
    index: 'index.html',
    dotfiles: 'ignore',
    cacheControl: false,
    setHeaders: (reply, path) => {
      reply.header('cache-control', cacheControlFor(path, reply.request.url.split('?')[0] ?? '/'));
    },
  });

  app.route({
    method: 'GET',
    url: API_PATH,
    // A plain request to the API address is never a page's business.
    handler: (_request, reply) => reply.code(403).send({ code: 'forbidden', message: 'The agent API is available over WebSocket only, to its own page.' }),
    wsHandler: (socket, request) => {
      const ws = socket as ShellSocket;
      const access = checkApiAccess(
        {
          secret: new URL(request.url, shell.origin).searchParams.get('secret'),
          origin: request.headers.origin,
          host: request.headers.host,
        },
        shell,
      );
      if (!access.ok) {
        ws.close(POLICY_VIOLATION, 'Not allowed.');
        return;
      }
      connections.attach(ws);
    },
  });
  registerReportDownloads(app, options.agent);
  app.setNotFoundHandler((_request, reply) => reply.code(404).type('text/plain; charset=utf-8').send('Not found.'));

  await app.listen({ host: '127.0.0.1', port: options.port });
  const port = (app.server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  shell = { origin, secret };
  headers = securityHeaders(origin);
  const url = `${origin}/?secret=${encodeURIComponent(secret)}`;
  (options.announce ?? ((line) => process.stdout.write(`${line}\n`)))(`agent ready: ${url}`);

  let closing: Promise<void> | undefined;
  return { url, origin, port, close: () => (closing ??= app.close()) };
}
