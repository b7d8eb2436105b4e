import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../../../src-service/start-service.js';
import { actor, addOrg, proofHeaders, testStorage } from '../../../support/service-fixtures.js';

// GET /v1/organisations over real HTTP: find an organisation by its code or its name.

let service: RunningService;
let storage: { dbFile: string; secretFile: string };
let token: string;

interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

async function find(query: Record<string, string>, auth: string | null = token): Promise<Reply> {
  const response = await fetch(`${service.url}/v1/organisations?${new URLSearchParams(query).toString()}`, { headers: auth ? await proofHeaders(service, 'GET', '/v1/organisations', auth) : {} });
  return { status: response.status, body: await response.json() };
}

const codes = (reply: Reply): string[] => reply.body.results.map((r: { code: string }) => r.code);

beforeAll(async () => {
  storage = testStorage('cis-find-orgs-');
  service = await startService({ ...storage, host: '127.0.0.1', port: 0 });
  const db = service.ctx.db;
  const region = await addOrg(db, { code: 'Y61', name: 'NHS England - North', kind: 'other' });
  const trust = await addOrg(db, { code: 'RXA', name: 'Ashford Hospitals NHS Trust', kind: 'trust', parentId: region.id });
  await addOrg(db, { code: 'RXA01', name: 'Ashford General Hospital', kind: 'site', parentId: trust.id });
  await addOrg(db, { code: 'RXB', name: 'Kingsbury and Ashford NHS Trust', kind: 'trust', parentId: region.id });
  await addOrg(db, { code: 'A81001', name: 'Brontë Medical Centre', kind: 'gp-practice', parentId: region.id });
  // A code that is also the start of another organisation's name.
  await addOrg(db, { code: 'FMAPL', name: 'Rxa Pharmacy', kind: 'pharmacy', parentId: region.id });
  for (let i = 1; i <= 30; i++) await addOrg(db, { code: `M${String(81000 + i)}`, name: `Maple Surgery ${String(i).padStart(2, '0')}`, kind: 'gp-practice', parentId: region.id });
  token = (await actor(db, trust.id, [], 'Clinician')).token;
});

afterAll(async () => {
  await service.close();
  rmSync(dirname(storage.secretFile), { recursive: true, force: true });
});

describe('GET /v1/organisations', () => {
  it('rule: a code matches exactly and case-insensitively, ahead of names that start with the same text', async () => {
    const reply = await find({ query: 'rxa' });
    expect(reply.status).toBe(200);
    expect(reply.body.results[0]).toEqual({ code: 'RXA', name: 'Ashford Hospitals NHS Trust', kind: 'trust', parentCode: 'Y61' });
    expect(codes(reply)).toEqual(['RXA', 'FMAPL']);
    expect(codes(await find({ query: ' rxa01 ' }))).toEqual(['RXA01']);
    // A code is matched whole: RX is not RXA.
    expect(codes(await find({ query: 'RX' }))).toEqual(['FMAPL']);
  });

  it('rule: names match by prefix first, then anywhere in the name, case- and accent-insensitively', async () => {
    expect(codes(await find({ query: 'ashford' }))).toEqual(['RXA01', 'RXA', 'RXB']);
    expect(codes(await find({ query: 'ASHFORD H' }))).toEqual(['RXA']);
    expect(codes(await find({ query: 'general' }))).toEqual(['RXA01']);
    expect(codes(await find({ query: 'bronte' }))).toEqual(['A81001']);
    expect(codes(await find({ query: 'BRONTË medical' }))).toEqual(['A81001']);
  });

  it('rule: at most 25 organisations come back', async () => {
    const reply = await find({ query: 'maple' });
    expect(reply.body.results).toHaveLength(25);
    expect(codes(reply)[0]).toBe('M81001');
    expect(codes(await find({ query: 'surgery' }))).toHaveLength(25);
  });

  it('rule: SQL, LIKE wildcards and unusual unicode are just characters: 200 with ordinary (here empty) results', async () => {
    for (const query of ["'; DROP TABLE organisations; --", '%', '_', 'Ash%', 'A_hford', '🙂', 'مستشفى', '\u0301\u0301', '\u202eAshford', 'x'.repeat(100)]) {
      const reply = await find({ query });
      expect(reply.status, JSON.stringify(query)).toBe(200);
      expect(reply.body, JSON.stringify(query)).toEqual({ results: [] });
    }
    expect(codes(await find({ query: 'ashford' }))).toHaveLength(3);
  });

  it('rule: an empty or missing query, or an unknown parameter, is a bad request naming the field', async () => {
    for (const query of [{}, { query: '' }, { query: '   ' }, { query: 'x'.repeat(101) }] as Record<string, string>[]) {
      const reply = await find(query);
      expect(reply.status, JSON.stringify(query)).toBe(400);
      expect(reply.body.fields.map((f: { path: string }) => f.path)).toContain('query.query');
    }
    const unknown = await find({ query: 'ashford', kind: 'trust' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.code).toBe('bad-request');
  });

  it('rule: searching needs a session', async () => {
    const reply = await find({ query: 'ashford' }, null);
    expect(reply.status).toBe(401);
    expect(reply.body.code).toBe('unauthenticated');
  });
});
