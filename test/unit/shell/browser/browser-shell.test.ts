import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserShell, MAX_MESSAGE_BYTES, type BrowserShell } from '../../../../src-main/shell/browser/browser-shell.js';
import { FAULT_DETAIL, FakeAgent } from '../support/fake-agent.js';
import { openSession, opened, type WsSession } from '../support/ws-session.js';

// The browser shell over real sockets: a tiny built renderer, a stand-in agent, and the `ws`
// client a page's WebSocket would be. Only this launch's secret with the shell's own Origin
// gets in; every bad message gets an error and leaves the connection usable.

const SECRET = 'test-secret-0123456789abcdefghijklmnopqrstu';
let dir: string;
let agent: FakeAgent;
let shell: BrowserShell;
const announced: string[] = [];
const faults: unknown[] = [];
const sessions: WsSession[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'browser-shell-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Care Identity</title><script type="module" src="/assets/app-1a2b.js"></script>');
  writeFileSync(join(dir, 'assets', 'app-1a2b.js'), 'console.log("renderer");');
  writeFileSync(join(dir, '.env'), 'NOT=SERVED');
  agent = new FakeAgent();
  shell = await startBrowserShell({ agent, port: 0, staticDir: dir, secret: SECRET, announce: (line) => announced.push(line), reportFault: (err) => faults.push(err) });
});

afterEach(() => {
  for (const s of sessions.splice(0)) s.socket.close();
});

afterAll(async () => {
  await shell.close();
  rmSync(dir, { recursive: true, force: true });
});

const apiUrl = (secret: string | null = SECRET): string => `ws://127.0.0.1:${shell.port}/api${secret === null ? '' : `?secret=${encodeURIComponent(secret)}`}`;

async function admitted(): Promise<WsSession> {
  const session = openSession(apiUrl(), shell.origin);
  sessions.push(session);
  await opened(session);
  const first = await session.next();
  expect(first.type).toBe('state');
  return session;
}

function rawGet(path: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: shell.port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('starting', () => {
  it('prints exactly one "agent ready:" line with the page URL carrying the secret, on 127.0.0.1', () => {
    expect(announced).toEqual([`agent ready: http://127.0.0.1:${shell.port}/?secret=${SECRET}`]);
    expect(shell.url).toBe(`http://127.0.0.1:${shell.port}/?secret=${SECRET}`);
    expect(shell.port).toBeGreaterThan(0);
  });
});

describe('static files', () => {
  it('serves index.html with a strict CSP, nosniff, no referrer and no caching, and without the secret in it', async () => {
    const res = await fetch(`${shell.origin}/?secret=${SECRET}`);
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${shell.port}`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.text();
    expect(body).toContain('<title>Care Identity</title>');
    expect(body).not.toContain(SECRET);
  });

  it('serves hashed assets as cacheable, with the same security headers', async () => {
    const res = await fetch(`${shell.origin}/assets/app-1a2b.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toContain('immutable');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('does not serve dotfiles or paths outside the renderer folder', async () => {
    expect((await fetch(`${shell.origin}/.env`)).status).toBe(404);
    for (const path of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2fetc%2fpasswd']) {
      const res = await rawGet(path, `127.0.0.1:${shell.port}`);
      expect([403, 404]).toContain(res.status);
      expect(res.body).not.toContain('root:');
    }
  });

  it('answers nothing to another Host name (a DNS name rebound to 127.0.0.1)', async () => {
    const res = await rawGet('/', `evil.example:${shell.port}`);
    expect(res.status).toBe(421);
    expect(res.body).not.toContain('<title>');
  });
});

describe('the API address over plain HTTP', () => {
  it('is refused with 403, even with the right secret', async () => {
    const res = await fetch(`${shell.origin}/api?secret=${SECRET}`);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { code: string }).code).toBe('forbidden');
  });
});

describe('who may connect', () => {
  it('the right secret and Origin: the current state at once, then results', async () => {
    const s = await admitted();
    s.request(1, 'agent.getState', {});
    const reply = await s.next();
    expect(reply).toMatchObject({ type: 'result', id: 1, result: { indicator: 'no-card' } });
  });

  it.each([
    ['a wrong secret', apiUrlFor('not-the-secret'), 'origin'],
    ['no secret', apiUrlFor(null), 'origin'],
    ['an empty secret', apiUrlFor(''), 'origin'],
    ['a wrong Origin', apiUrlFor(SECRET), 'http://evil.example'],
    ['a localhost Origin', apiUrlFor(SECRET), 'localhost'],
    ['no Origin', apiUrlFor(SECRET), undefined],
  ])('%s: closed with 1008 (policy violation) before any message', async (_name, url, origin) => {
    const originHeader = origin === 'origin' ? shell.origin : origin === 'localhost' ? `http://localhost:${shell.port}` : origin;
    const s = openSession(url(), originHeader);
    sessions.push(s);
    const { code } = await s.closed;
    expect(code).toBe(1008);
    expect(s.pending).toEqual([]);
  });
});

function apiUrlFor(secret: string | null): () => string {
  return () => apiUrl(secret);
}

describe('state pushes', () => {
  it('go to every connected client on each change, in order', async () => {
    const a = await admitted();
    const b = await admitted();
    const changed = agent.change({ indicator: 'card-present' });
    for (const s of [a, b]) {
      const pushed = await s.next();
      expect(pushed).toEqual({ type: 'state', state: changed });
    }
  });

  it('follow a request that changes state, alongside its result', async () => {
    const s = await admitted();
    const before = agent.state().version;
    s.request(7, 'agent.lock', {});
    const got = [await s.next(), await s.next()];
    expect(got).toContainEqual({ type: 'result', id: 7, result: { ok: true } });
    expect(got).toContainEqual(expect.objectContaining({ type: 'state', state: expect.objectContaining({ version: before + 1, indicator: 'locked' }) }));
  });
});

describe('bad messages get an error and the connection stays usable', () => {
  it('an unknown channel: unknown-channel with the request id, and the agent is never asked', async () => {
    const s = await admitted();
    const callsBefore = agent.calls.length;
    s.request(3, 'agent.formatDisk', {});
    expect(await s.next()).toEqual({ type: 'error', id: 3, error: { code: 'unknown-channel', message: expect.any(String) } });
    expect(agent.calls.length).toBe(callsBefore);
    s.request(4, 'agent.getState', {});
    expect(await s.next()).toMatchObject({ type: 'result', id: 4 });
  });

  it('malformed JSON: bad-request with no id', async () => {
    const s = await admitted();
    s.socket.send('{"id": 1, "channel": ');
    expect(await s.next()).toEqual({ type: 'error', id: null, error: { code: 'bad-request', message: 'The request is not valid JSON.' } });
    s.request(5, 'agent.getState', {});
    expect(await s.next()).toMatchObject({ type: 'result', id: 5 });
  });

  it('a wrong envelope (extra field, missing id, text id): bad-request, with the id when it is usable', async () => {
    const s = await admitted();
    s.socket.send(JSON.stringify({ id: 8, channel: 'agent.getState', payload: {}, token: 'x' }));
    expect(await s.next()).toMatchObject({ type: 'error', id: 8, error: { code: 'bad-request' } });
    s.socket.send(JSON.stringify({ channel: 'agent.getState', payload: {} }));
    expect(await s.next()).toMatchObject({ type: 'error', id: null, error: { code: 'bad-request' } });
    s.socket.send(JSON.stringify({ id: '9', channel: 'agent.getState', payload: {} }));
    expect(await s.next()).toMatchObject({ type: 'error', id: null, error: { code: 'bad-request' } });
    s.socket.send('[1,2,3]');
    expect(await s.next()).toMatchObject({ type: 'error', id: null, error: { code: 'bad-request' } });
    s.request(10, 'agent.getState', {});
    expect(await s.next()).toMatchObject({ type: 'result', id: 10 });
  });

  it('a malformed payload for a known channel: the agent refuses it as bad-request', async () => {
    const s = await admitted();
    s.request(11, 'agent.submitPasscode', { passcode: 123456 });
    expect(await s.next()).toMatchObject({ type: 'error', id: 11, error: { code: 'bad-request' } });
    s.request(12, 'agent.getState', {});
    expect(await s.next()).toMatchObject({ type: 'result', id: 12 });
  });

  it('a binary frame: bad-request', async () => {
    const s = await admitted();
    s.socket.send(Buffer.from([0x7b, 0x7d]));
    expect(await s.next()).toMatchObject({ type: 'error', id: null, error: { code: 'bad-request' } });
  });

  it('an unexpected fault in the agent: "internal" without its detail, reported locally', async () => {
    const s = await admitted();
    const faultsBefore = faults.length;
    s.request(13, 'cim.myProfile', {});
    const reply = await s.next();
    expect(reply).toMatchObject({ type: 'error', id: 13, error: { code: 'internal' } });
    expect(JSON.stringify(reply)).not.toContain(FAULT_DETAIL);
    expect(faults.length).toBe(faultsBefore + 1);
  });
});

describe('size limit', () => {
  it('refuses a message over the largest request (a batch file) by closing with 1009 (message too big)', async () => {
    const s = await admitted();
    s.request(14, 'agent.submitPasscode', { passcode: 'x'.repeat(MAX_MESSAGE_BYTES) });
    const { code } = await s.closed;
    expect(code).toBe(1009);
  });

  it('accepts a message just under the limit', async () => {
    const s = await admitted();
    const filler = 'x'.repeat(MAX_MESSAGE_BYTES - 200);
    s.socket.send(JSON.stringify({ id: 15, channel: 'agent.getState', payload: { filler } }));
    expect(await s.next()).toMatchObject({ type: 'error', id: 15, error: { code: 'bad-request' } });
  });
});

describe('closing', () => {
  it('closes connected clients with 1001 and stops listening to the agent', async () => {
    const agent2 = new FakeAgent();
    const lines: string[] = [];
    const shell2 = await startBrowserShell({ agent: agent2, port: 0, staticDir: dir, secret: SECRET, announce: (l) => lines.push(l) });
    const s = openSession(`ws://127.0.0.1:${shell2.port}/api?secret=${SECRET}`, shell2.origin);
    await opened(s);
    expect((await s.next()).type).toBe('state');
    expect(agent2.listenerCount).toBe(1);
    await shell2.close();
    expect((await s.closed).code).toBe(1001);
    expect(agent2.listenerCount).toBe(0);
    expect(lines).toHaveLength(1);
  });
});
