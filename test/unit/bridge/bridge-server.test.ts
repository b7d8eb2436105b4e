import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BRIDGE_SIGN_IN_PATH, type BridgeSignInAnswer, type BridgeSignInRequest } from '../../../src-shared/api/agent-bridge.js';
import { startAgentBridge, type AgentBridge } from '../../../src-main/bridge/bridge-server.js';

// The agent's bridge, as a real HTTP server on loopback: who may ask it, and how. The agent
// behind it is a stand-in that records what reached it, so a refusal is proved by nothing
// getting through.

const SERVICE = 'http://localhost:5123';
const REQUEST: BridgeSignInRequest = { uid: 'interaction-uid-0001', ticket: 'a'.repeat(43) };

let bridge: AgentBridge;
let reached: BridgeSignInRequest[];

beforeEach(async () => {
  reached = [];
  bridge = await startAgentBridge({
    port: 0,
    allowedOrigin: SERVICE,
    signIn: async (r): Promise<BridgeSignInAnswer> => {
      reached.push(r);
      return { outcome: 'signed-in', redirectTo: `${SERVICE}/oidc/auth/${r.uid}` };
    },
  });
});
afterEach(() => bridge.close());

/** A raw request (node:http, so Host and Origin are exactly what the test says, or absent). */
function send(options: { method?: string; path?: string; headers?: Record<string, string>; body?: string }): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(bridge.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: Number(url.port), method: options.method ?? 'POST', path: options.path ?? BRIDGE_SIGN_IN_PATH, headers: options.headers ?? {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const json = { 'content-type': 'application/json' };
const post = (headers: Record<string, string>, body = JSON.stringify(REQUEST)) => send({ headers: { ...json, ...headers }, body });

describe('agent bridge: who may ask', () => {
  it('rule: the service’s own origin is answered, with CORS for that origin alone', async () => {
    const answer = await post({ origin: SERVICE });
    expect(answer.status).toBe(200);
    expect(answer.headers['access-control-allow-origin']).toBe(SERVICE);
    expect(JSON.parse(answer.body)).toEqual({ outcome: 'signed-in', redirectTo: `${SERVICE}/oidc/auth/${REQUEST.uid}` });
    expect(reached).toEqual([REQUEST]);
  });

  it('rule: another origin is refused (403) with no CORS headers, and nothing reaches the agent', async () => {
    for (const origin of ['http://evil.example', 'http://localhost:5124', 'https://localhost:5123', 'http://127.0.0.1:5123', 'null']) {
      const answer = await post({ origin });
      expect(answer.status, origin).toBe(403);
      expect(answer.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
    expect(reached).toEqual([]);
  });

  it('rule: a request with no Origin (not from a browser page) is refused', async () => {
    const answer = await post({});
    expect(answer.status).toBe(403);
    expect(reached).toEqual([]);
  });

  it('rule: a Host that is not the loopback address and port is refused (DNS rebinding)', async () => {
    const answer = await post({ origin: SERVICE, host: `evil.example:${new URL(bridge.url).port}` });
    expect(answer.status).toBe(421);
    expect(reached).toEqual([]);
  });
});

describe('agent bridge: preflight', () => {
  it('rule: a preflight from the service’s origin allows POST with JSON, and private network access when asked', async () => {
    const answer = await send({
      method: 'OPTIONS',
      headers: { origin: SERVICE, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type', 'access-control-request-private-network': 'true' },
    });
    expect(answer.status).toBe(204);
    expect(answer.headers['access-control-allow-origin']).toBe(SERVICE);
    expect(answer.headers['access-control-allow-methods']).toBe('POST');
    expect(answer.headers['access-control-allow-headers']).toBe('content-type');
    expect(answer.headers['access-control-allow-private-network']).toBe('true');
    expect(reached).toEqual([]);
  });

  it('rule: a preflight from another origin, or for another method, gets no CORS headers', async () => {
    const other = await send({ method: 'OPTIONS', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST', 'access-control-request-private-network': 'true' } });
    expect(other.status).toBe(403);
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    expect(other.headers['access-control-allow-private-network']).toBeUndefined();
    const put = await send({ method: 'OPTIONS', headers: { origin: SERVICE, 'access-control-request-method': 'PUT' } });
    expect(put.status).toBe(403);
    expect(put.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('agent bridge: what it takes', () => {
  it('rule: only POST is answered', async () => {
    const answer = await send({ method: 'GET', headers: { origin: SERVICE } });
    expect(answer.status).toBe(405);
    expect(reached).toEqual([]);
  });

  it('rule: only JSON: a form or text post (which a page could send without a preflight) is refused', async () => {
    for (const type of ['application/x-www-form-urlencoded', 'text/plain', 'multipart/form-data; boundary=x']) {
      const answer = await post({ origin: SERVICE, 'content-type': type });
      expect(answer.status, type).toBe(415);
    }
    expect(reached).toEqual([]);
  });

  it('rule: a body that is not a sign-in request, or too large, is refused', async () => {
    expect((await post({ origin: SERVICE }, '{not json')).status).toBe(400);
    expect((await post({ origin: SERVICE }, JSON.stringify({ uid: REQUEST.uid }))).status).toBe(400);
    expect((await post({ origin: SERVICE }, JSON.stringify({ ...REQUEST, token: 'x' }))).status).toBe(400);
    expect((await post({ origin: SERVICE }, JSON.stringify({ ...REQUEST, pad: 'x'.repeat(5000) }))).status).toBe(413);
    expect(reached).toEqual([]);
  });

  it('rule: only the one path is answered', async () => {
    const answer = await send({ path: '/bridge/v1/token', headers: { ...json, origin: SERVICE }, body: JSON.stringify(REQUEST) });
    expect(answer.status).toBe(404);
    expect(reached).toEqual([]);
  });

  it('rule: the bridge listens on the loopback address only', () => {
    expect(bridge.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
