import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { ServiceConfig } from '../config.js';
import type { ServiceContext } from '../service-context.js';

// The Host names the service answers to. A web page on another site can make a browser send
// requests to 127.0.0.1 under its own name (DNS rebinding); the browser then sends that name as
// Host, so answering only the names the service is really reached by stops it. By default: the
// listening host, localhost, 127.0.0.1 and [::1] on the listening port; a deployment lists its
// own (allowedHosts). The host of serviceOrigin, which clients are told to use, always counts.

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
const ANY_ADDRESS = new Set(['0.0.0.0', '::', '[::]']);
const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::([0-9]{1,5}))?$/;

interface HostEntry {
  readonly name: string;
  /** A port number; 'listening' for the port the request came in on; undefined for any port. */
  readonly port: string | undefined;
}

function parseHost(value: string): { name: string; port: string | undefined } | null {
  const m = HOST.exec(value.trim().toLowerCase());
  return m ? { name: m[1] as string, port: m[2] } : null;
}

const bracketed = (host: string): string => (host.includes(':') && !host.startsWith('[') ? `[${host}]` : host.toLowerCase());

function configuredEntries(config: ServiceConfig): HostEntry[] {
  if (config.allowedHosts) {
    return config.allowedHosts.flatMap((h) => {
      const parsed = parseHost(h);
      return parsed ? [{ name: parsed.name, port: parsed.port }] : [];
    });
  }
  const listening = bracketed(config.host);
  const names = ANY_ADDRESS.has(listening) ? LOOPBACK_NAMES : [listening, ...LOOPBACK_NAMES];
  return [...new Set(names)].map((name) => ({ name, port: 'listening' as const }));
}

function originEntry(serviceOrigin: string): HostEntry | null {
  try {
    const url = new URL(serviceOrigin);
    return { name: url.hostname.toLowerCase(), port: url.port || (url.protocol === 'https:' ? '443' : '80') };
  } catch {
    return null;
  }
}

/** The onRequest hook refusing (421) a request whose Host the service does not answer to. */
export function allowedHostCheck(ctx: ServiceContext): onRequestHookHandler {
  const entries = configuredEntries(ctx.config);
  return function checkHost(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
    const host = typeof request.headers.host === 'string' ? parseHost(request.headers.host) : null;
    const origin = ctx.serviceOrigin ? originEntry(ctx.serviceOrigin) : null;
    if (host) {
      const listening = String(request.socket.localPort);
      // No port in Host: the scheme's default, 80 here or 443 at a TLS-terminating proxy.
      const ports = host.port !== undefined ? [host.port] : ['80', '443'];
      const matches = (e: HostEntry): boolean =>
        e.name === host.name && (e.port === undefined || ports.includes(e.port === 'listening' ? listening : e.port));
      if (entries.some(matches) || (origin !== null && matches(origin))) return done();
    }
    void reply.code(421).send({
      code: 'bad-request',
      message: 'This identity service does not answer to that host name. Use the address your administrator gave you.',
    });
  };
}

/** A warning for the operator when the service listens beyond this machine without TLS, or null. */
export function plainHttpWarning(config: Pick<ServiceConfig, 'host' | 'serviceOrigin'>): string | null {
  const host = config.host.toLowerCase();
  const loopback = host === 'localhost' || host === '::1' || host === '[::1]' || /^127\./.test(host);
  if (loopback || config.serviceOrigin?.startsWith('https://')) return null;
  return (
    `Warning: the identity service is listening on ${config.host} without TLS, so session tokens and sign-in answers ` +
    'would cross the network in clear. Put it behind a TLS-terminating proxy and set serviceOrigin (CIS_SERVICE_ORIGIN) ' +
    'to its https:// address, or listen on 127.0.0.1.'
  );
}
