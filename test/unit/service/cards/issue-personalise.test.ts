import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openCardSecret } from '../../../../src-service/crypto/card-secrets.js';
import { startHarness, type Harness } from '../cim/cim-harness.js';
import { blankCard, issueUntil, keyOfCommand, openIssue, people, prove, readout, step } from './issue-support.js';

// Personalising an issued card (src-service/cards/issue-personalise.ts): the service makes the
// card's PUK and AES-128 management key once, keeps them sealed in the operation, and hands them
// to the agent for the card only: the same again when asked again, never in a log, an audit
// entry or an error.

let h: Harness;
const printed: string[] = [];
beforeAll(async () => {
  h = await startHarness();
  // The service runs in this process: anything it prints is caught here.
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(' '));
    });
  }
});
afterAll(async () => {
  vi.restoreAllMocks();
  await h.close();
});

describe('personalising the card', () => {
  it('rule: personalise answers an 8-digit PUK and the Yubico SET MANAGEMENT KEY command for an AES-128 key (00 FF FF FF 13 08 9B 10 + key)', async () => {
    const p = await people(h);
    const issued = await issueUntil(h, p, blankCard(), 'certificate');
    const res = await step(h, p.ra.token, issued.operationId, 'personalise');
    expect(res.status).toBe(200);
    expect(res.body.puk).toMatch(/^\d{8}$/);
    const command = Buffer.from(res.body.managementKeyCommand, 'base64');
    expect(command.length).toBe(8 + 16);
    expect(command.subarray(0, 8).toString('hex')).toBe('00ffffff13089b10');
    // Kept sealed under the new card's UUID, the very values handed out.
    const row = await h.db.selectFrom('card_operations').select(['status', 'puk_sealed', 'management_key_sealed']).where('card_uuid', '=', issued.cardUuid).executeTakeFirstOrThrow();
    expect(row.status).toBe('personalised');
    expect(openCardSecret(h.service.ctx.dataKey, issued.cardUuid, 'puk', row.puk_sealed!).toString('ascii')).toBe(res.body.puk);
    expect(openCardSecret(h.service.ctx.dataKey, issued.cardUuid, 'management-key', row.management_key_sealed!)).toEqual(keyOfCommand(res.body.managementKeyCommand));
  });

  it('rule: asked again (the answer was lost), personalise answers the same PUK and command', async () => {
    const p = await people(h);
    const issued = await issueUntil(h, p, blankCard(), 'personalise');
    const again = await step(h, p.ra.token, issued.operationId, 'personalise');
    expect(again.status).toBe(200);
    expect(again.body.puk).toBe(issued.puk);
    expect(keyOfCommand(again.body.managementKeyCommand)).toEqual(issued.managementKey);
  });

  it('rule: personalise before the card has its certificate is refused in words', async () => {
    const p = await people(h);
    const opened = await openIssue(h, p.ra.token, p.holder.uuid, readout(blankCard()));
    const res = await step(h, p.ra.token, opened.body.operationId, 'personalise');
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('The smartcard has no certificate yet, so it cannot be personalised. Issue the smartcard again.');
  });

  it("rule: the card proves the issue's new key (relayed), not the factory key or another; a wrong answer is refused and the issue is not authenticated", async () => {
    const p = await people(h);
    const issued = await issueUntil(h, p, blankCard(), 'personalise');
    // The card answers the challenge with another key (the factory key it should no longer hold).
    const witness = await step(h, p.ra.token, issued.operationId, 'card-witness', { witness: Buffer.alloc(16, 7).toString('base64') });
    expect(witness.status).toBe(200);
    const wrong = await step(h, p.ra.token, issued.operationId, 'authenticate', { exchangeId: witness.body.exchangeId, cardResponse: Buffer.alloc(16, 1).toString('base64') });
    expect(wrong.status).toBe(403);
    expect(wrong.body.message).toBe('The smartcard did not prove it holds its management key.');
    expect((await h.db.selectFrom('card_operations').select('status').where('card_uuid', '=', issued.cardUuid).executeTakeFirstOrThrow()).status).toBe('personalised');
    // The refusal is audited against the card; the exchange is spent.
    expect((await h.db.selectFrom('audit_log').select('action').where('subject', '=', issued.cardUuid).orderBy('seq', 'desc').limit(1).executeTakeFirstOrThrow()).action).toBe('card.operation-refused');
    expect((await prove(h, p.ra.token, issued.operationId, issued.managementKey!)).status).toBe(200);
    expect((await h.db.selectFrom('card_operations').select(['status', 'card_proofs']).where('card_uuid', '=', issued.cardUuid).executeTakeFirstOrThrow())).toEqual({ status: 'authenticated', card_proofs: 1 });
  });

  it('rule: the card cannot prove itself before it was personalised', async () => {
    const p = await people(h);
    const issued = await issueUntil(h, p, blankCard(), 'certificate');
    const res = await step(h, p.ra.token, issued.operationId, 'card-witness', { witness: Buffer.alloc(16).toString('base64') });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('The smartcard cannot prove itself at this step. Start again.');
  });

  it('rule: no PUK or management key handed out reaches the printed output, an audit entry or an error', async () => {
    const p = await people(h);
    const issued = await issueUntil(h, p, blankCard(), 'confirm');
    // Some refusals on the way, to have errors to look at.
    const errors = [
      await step(h, p.ra.token, issued.operationId, 'personalise'),
      await step(h, p.ra.token, issued.operationId, 'certificate', { csr: 'AAAA', attestation: null }),
    ].map((res) => JSON.stringify(res.body));
    expect(errors.every((text) => text.includes('"code"'))).toBe(true);
    const key = issued.managementKey!;
    const forms = [issued.puk!, key.toString('hex'), key.toString('hex').toUpperCase(), key.toString('base64'), key.toString('base64url')];
    const audit = (await h.db.selectFrom('audit_log').selectAll().execute()).map((row) => JSON.stringify(row));
    const cardAudit = audit.filter((row) => row.includes(issued.cardUuid));
    expect(cardAudit.length).toBeGreaterThanOrEqual(4);
    for (const text of [...audit, ...printed, ...errors]) for (const form of forms) expect(text).not.toContain(form);
  });
});
