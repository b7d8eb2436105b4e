import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, tableCounts, type Harness } from '../cim/cim-harness.js';
import { blankCard, issueUntil, people, readout, WS, type People } from './issue-support.js';

// Bad input to every issue endpoint: a 400 naming the fields, in words, and nothing changed.

let h: Harness;
let p: People;
let operationId: string;
beforeAll(async () => {
  h = await startHarness();
  p = await people(h);
  ({ operationId } = await issueUntil(h, p, blankCard(), 'personalise'));
});
afterAll(async () => h.close());

const op = (name: string): string => `/v1/card-operations/${operationId}/${name}`;

const CASES: { what: string; path: () => string; json: unknown; field: string }[] = [
  { what: 'open without an algorithm', path: () => `/v1/users/${p.holder.uuid}/smartcards`, json: { workstationId: WS, card: readout(blankCard()) }, field: 'body.algorithm' },
  { what: 'open with an unknown algorithm', path: () => `/v1/users/${p.holder.uuid}/smartcards`, json: { workstationId: WS, algorithm: 'rsa1024', card: readout(blankCard()) }, field: 'body.algorithm' },
  { what: 'open with a negative card serial', path: () => `/v1/users/${p.holder.uuid}/smartcards`, json: { workstationId: WS, algorithm: 'p256', card: readout(blankCard(), { serial: -1 }) }, field: 'body.card.serial' },
  { what: 'open with a bad workstation id', path: () => `/v1/users/${p.holder.uuid}/smartcards`, json: { workstationId: 'a b', algorithm: 'p256', card: readout(blankCard()) }, field: 'body.workstationId' },
  { what: 'open for a user id that is not a UUID', path: () => '/v1/users/not-a-uuid/smartcards', json: { workstationId: WS, algorithm: 'p256', card: readout(blankCard()) }, field: 'params.uuid' },
  { what: 'a step for an operation id of the wrong form', path: () => '/v1/card-operations/short/confirm', json: { workstationId: WS }, field: 'params.operationId' },
  { what: 'certificate without a request', path: () => op('certificate'), json: { workstationId: WS, attestation: null }, field: 'body.csr' },
  { what: 'certificate with a request that is not base64', path: () => op('certificate'), json: { workstationId: WS, csr: '***', attestation: null }, field: 'body.csr' },
  { what: 'personalise with an unknown field', path: () => op('personalise'), json: { workstationId: WS, puk: '12345678' }, field: 'body' },
  { what: 'card-witness without a witness', path: () => op('card-witness'), json: { workstationId: WS }, field: 'body.witness' },
  { what: 'authenticate without an exchange', path: () => op('authenticate'), json: { workstationId: WS, cardResponse: 'AAAA' }, field: 'body.exchangeId' },
  { what: 'confirm without a workstation id', path: () => op('confirm'), json: {}, field: 'body.workstationId' },
  { what: 'abandon with an unknown reason', path: () => op('abandon'), json: { workstationId: WS, reason: 'bored' }, field: 'body.reason' },
];

describe('bad input to the issue endpoints', () => {
  it.each(CASES)('rule: $what is a 400 naming $field, and nothing changes', async ({ path, json, field }) => {
    const before = await tableCounts(h.db);
    const res = await h.call('POST', path(), { token: p.ra.token, json });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^The request (body|params) is not valid\.$/);
    expect((res.body.fields as { path: string }[]).some((f) => f.path === field || f.path.startsWith(`${field}.`) || (field === 'body' && f.path === 'body'))).toBe(true);
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: a witness that is not one AES block is a 400 in words, and the issue stays where it was', async () => {
    const before = await tableCounts(h.db);
    const res = await h.call('POST', op('card-witness'), { token: p.ra.token, json: { workstationId: WS, witness: Buffer.alloc(8).toString('base64') } });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('The card witness must be one AES block (16 bytes).');
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it("rule: an attestation certificate the card's readout carries that is not a certificate is a 400 naming it, and nothing is opened", async () => {
    const before = await tableCounts(h.db);
    const card = readout(blankCard(), { attestationCertificate: Buffer.from('not a certificate').toString('base64') });
    const res = await h.call('POST', `/v1/users/${p.holder.uuid}/smartcards`, { token: p.ra.token, json: { workstationId: WS, algorithm: 'p256', card } });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("The smartcard's attestation certificate could not be read.");
    expect(res.body.fields).toEqual([{ path: 'body.card.attestationCertificate', message: 'not a certificate' }]);
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: a certificate request that does not parse is a 400 in words; only the refusal is audited, nothing issued', async () => {
    const { operationId: fresh, cardUuid } = await issueUntil(h, p, blankCard(), 'open');
    const before = await tableCounts(h.db);
    const res = await h.call('POST', `/v1/card-operations/${fresh}/certificate`, { token: p.ra.token, json: { workstationId: WS, csr: 'MAA=', attestation: null } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^The certificate request is not valid: .+\. Issue the smartcard again\.$/);
    expect(await tableCounts(h.db)).toEqual({ ...before, audit_log: before.audit_log! + 1 });
    expect((await h.db.selectFrom('card_operations').select('status').where('card_uuid', '=', cardUuid).executeTakeFirstOrThrow()).status).toBe('opened');
  });
});
