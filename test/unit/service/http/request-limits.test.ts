import { request as httpRequest } from 'node:http';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ServiceClient } from '../../../../src-main/service-client/service-client.js';
import { ServiceRefusedError } from '../../../../src-main/service-client/service-client-errors.js';
import { TALLY_BUCKET_MS } from '../../../../src-service/audit/refusal-tally.js';
import { plainHttpWarning } from '../../../../src-service/http/allowed-hosts.js';
import { startService, type RunningService, type StartServiceOptions } from '../../../../src-service/start-service.js';
import type { Db } from '../../../../src-service/store/database.js';
import { auditRows, testStorage } from '../../../support/service-fixtures.js';
import { tableCounts } from '../cim/cim-harness.js';

// The endpoints that need no session (login, self-service unlock, renewal recovery) can be
// called by anyone: they are limited per client address and for all clients together, the
// counts live in the database (shared by every instance on it), and what is refused there is
// counted in the audit log's summaries, so no amount of junk grows the database.

const NOW = new Date('2027-05-04T09:00:30.000Z');
const running: RunningService[] = [];
let clock = NOW.getTime();

async function start(options: Omit<StartServiceOptions, 'now'> = {}): Promise<RunningService> {
  const service = await startService({ host: '127.0.0.1', port: 0, ...testStorage('cis-limits-'), ...options, now: () => new Date(clock) });
  running.push(service);
  return service;
}

afterEach(async () => {
  for (const s of running.splice(0)) {
    await s.close();
    rmSync(dirname(s.ctx.config.secretFile as string), { recursive: true, force: true });
  }
  clock = NOW.getTime();
});

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: { code?: string; message?: string };
}

/** A raw HTTP call, so the Host and X-Forwarded-For headers can be set. */
function send(service: RunningService, path: string, json: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const url = new URL(service.url);
  const payload = JSON.stringify(json);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : {} }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const challenge = (service: RunningService, headers?: Record<string, string>): Promise<Answer> => send(service, '/v1/login/challenge', { workstationId: 'ws-limits' }, headers);
/** A verify nobody could have signed: a nonce never issued, a certificate that is not one. */
const junkVerify = (service: RunningService): Promise<Answer> =>
  send(service, '/v1/login/verify', {
    nonce: Buffer.alloc(32, 9).toString('base64url'),
    workstationId: 'ws-limits',
    certificate: Buffer.from('not a certificate').toString('base64'),
    algorithm: 'p256',
    signature: Buffer.alloc(64, 1).toString('base64'),
  });

/** Every row in every table: what the database holds. */
const totalRows = async (db: Db): Promise<number> => Object.values(await tableCounts(db)).reduce((n, rows) => n + rows, 0);

/** The same store as `service`: its database and secret file. */
const storageOf = (service: RunningService): { dbFile: string; secretFile: string } => ({
  dbFile: service.ctx.config.dbFile,
  secretFile: service.ctx.config.secretFile as string,
});

const countOf = async (db: Db, table: 'login_challenges' | 'rate_limit_hits'): Promise<number> =>
  Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('request limits on the endpoints without a session', () => {
  it('rule: a client looping an endpoint without a session past its limit gets 429 with Retry-After, and the agent a clear message', async () => {
    const service = await start({ rateLimitPerClient: 5, rateLimitWindowSeconds: 60 });
    for (let i = 0; i < 5; i++) expect((await challenge(service)).status).toBe(200);
    const refused = await challenge(service);
    expect(refused.status).toBe(429);
    // 30 s into a 60 s window: the client may try again in 30 s.
    expect(refused.headers['retry-after']).toBe('30');
    expect(refused.body).toEqual({ code: 'rate-limited', message: expect.stringMatching(/Too many requests .* Try again in 30 seconds\./) });
    // Every endpoint without a session shares the client's count.
    expect((await junkVerify(service)).status).toBe(429);

    const failure = await new ServiceClient(service.url).challenge('ws-limits').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ServiceRefusedError);
    expect(failure).toMatchObject({ status: 429, code: 'rate-limited', message: expect.stringMatching(/Try again in 30 seconds/) });

    // The next window starts afresh.
    clock += 30_000;
    expect((await challenge(service)).status).toBe(200);
  });

  it('rule: each client has its own count, and all clients together have a global limit', async () => {
    const service = await start({ rateLimitPerClient: 3, rateLimitGlobal: 7, trustedProxies: ['127.0.0.1'] });
    const from = (ip: string): Record<string, string> => ({ 'x-forwarded-for': ip });
    for (let i = 0; i < 3; i++) expect((await challenge(service, from('10.1.1.1'))).status).toBe(200);
    expect((await challenge(service, from('10.1.1.1'))).status).toBe(429);
    // Another client is not held back by the first one's count.
    for (let i = 0; i < 3; i++) expect((await challenge(service, from('10.2.2.2'))).status).toBe(200);
    expect((await challenge(service, from('10.3.3.3'))).status).toBe(200);
    // Seven answered in all: the eighth, from a client well within its own limit, is refused.
    const busy = await challenge(service, from('10.4.4.4'));
    expect(busy.status).toBe(429);
    expect(busy.headers['retry-after']).toBe('30');
    expect(busy.body.message).toMatch(/too many sign-in requests just now/);
    // The session endpoints are not counted: the health check still answers.
    expect((await fetch(`${service.url}/v1/health`)).status).toBe(200);
  });

  it('rule: two service instances on one database share the count', async () => {
    const first = await start({ rateLimitPerClient: 6 });
    const second = await start({ rateLimitPerClient: 6, ...storageOf(first) });
    for (let i = 0; i < 3; i++) {
      expect((await challenge(first)).status).toBe(200);
      expect((await challenge(second)).status).toBe(200);
    }
    expect((await challenge(first)).status).toBe(429);
    expect((await challenge(second)).status).toBe(429);
  });

  it('rule: junk requests do not grow the database: refused ones are counted, one audit summary per kind and period', async () => {
    const service = await start({ rateLimitPerClient: 40 });
    const db = service.ctx.db;
    for (let i = 0; i < 10; i++) expect((await junkVerify(service)).status).toBe(401);
    const rows = await totalRows(db);
    const audited = (await auditRows(db)).length;
    // 30 more bad signatures: not one more row anywhere.
    for (let i = 0; i < 30; i++) expect((await junkVerify(service)).status).toBe(401);
    expect(await totalRows(db)).toBe(rows);
    // Over the limit: one row to count that kind of refusal, and no more however many come.
    for (let i = 0; i < 60; i++) expect((await junkVerify(service)).status).toBe(429);
    expect(await totalRows(db)).toBe(rows + 1);
    expect((await auditRows(db)).length).toBe(audited);

    // Once the period closes, the counts reach the audit log as one entry per kind.
    clock += TALLY_BUCKET_MS;
    expect((await challenge(service)).status).toBe(200);
    await junkVerify(service);
    const summaries = (await auditRows(db))
      .filter((r) => r.action === 'refusals.counted')
      .map((r) => JSON.parse(r.details) as { kind: string; count: number });
    expect(summaries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'login.failed:nonce-unknown', count: 40 }),
        expect.objectContaining({ kind: 'rate-limited:client', count: 60 }),
      ]),
    );
    expect(summaries).toHaveLength(2);
  });
});

describe('what the endpoints without a session leave behind', () => {
  it('rule: expired challenges and ended request counts are swept even when no more requests come', async () => {
    const first = await start({ rateLimitPerClient: 50 });
    for (let i = 0; i < 5; i++) expect((await challenge(first)).status).toBe(200);
    const rows = async (db: Db): Promise<{ challenges: number; counts: number }> => ({
      challenges: await countOf(db, 'login_challenges'),
      counts: await countOf(db, 'rate_limit_hits'),
    });
    expect(await rows(first.ctx.db)).toEqual({ challenges: 5, counts: 2 });
    // An hour on, a service starting on the same database sweeps them before any request.
    clock += 3_600_000;
    const later = await start(storageOf(first));
    expect(await rows(later.ctx.db)).toEqual({ challenges: 0, counts: 0 });
  });
});

describe('the Host names the service answers to', () => {
  it('rule: a request under another Host name is refused (DNS rebinding); the loopback names on the listening port are answered', async () => {
    const service = await start();
    const port = new URL(service.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`]) expect((await challenge(service, { host })).status, host).toBe(200);
    for (const host of ['attacker.example', `attacker.example:${port}`, `localhost:${Number(port) + 1}`, `127.0.0.1.attacker.example:${port}`]) {
      const answer = await challenge(service, { host });
      expect(answer.status, host).toBe(421);
      expect(answer.body.message).toMatch(/does not answer to that host name/);
    }
    const before = await countOf(service.ctx.db, 'login_challenges');
    await challenge(service, { host: 'attacker.example' });
    expect(await countOf(service.ctx.db, 'login_challenges')).toBe(before);
  });

  it('rule: a deployment names its own hosts; the host of the service origin is always answered', async () => {
    const service = await start({ allowedHosts: ['cis.example.nhs.uk'], serviceOrigin: 'https://cis-origin.example.nhs.uk' });
    const port = new URL(service.url).port;
    expect((await challenge(service, { host: 'cis.example.nhs.uk' })).status).toBe(200);
    expect((await challenge(service, { host: 'cis-origin.example.nhs.uk' })).status).toBe(200);
    expect((await challenge(service, { host: 'cis-origin.example.nhs.uk:8443' })).status).toBe(421);
    expect((await challenge(service, { host: `localhost:${port}` })).status).toBe(421);
  });
});

describe('listening beyond this machine', () => {
  it('rule: a service listening on a non-loopback address without TLS warns its operator; loopback or an https origin does not', () => {
    expect(plainHttpWarning({ host: '0.0.0.0', serviceOrigin: undefined })).toMatch(/listening on 0\.0\.0\.0 without TLS.*TLS-terminating proxy/);
    expect(plainHttpWarning({ host: '10.0.0.5', serviceOrigin: 'http://10.0.0.5:8080' })).toMatch(/without TLS/);
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) expect(plainHttpWarning({ host, serviceOrigin: undefined }), host).toBeNull();
    expect(plainHttpWarning({ host: '0.0.0.0', serviceOrigin: 'https://cis.example.nhs.uk' })).toBeNull();
  });
});
