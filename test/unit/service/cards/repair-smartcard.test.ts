import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCard, type MadeCard } from '../../../../src-service/ca/card-factory.js';
import { actor } from '../../../support/service-fixtures.js';
import { startHarness, tableCounts, type Harness } from '../cim/cim-harness.js';
import { auditRows, call, holder } from '../support/card-login-rig.js';
import { cardProved, issuedReadout, operationStatus, WORKSTATION } from './card-lifecycle-support.js';

// Repairing a smartcard at the service: the repair opens for the card on record (active or
// locked) and the very card in the reader, answers its live certificate, and after the card
// proved itself records what the agent rewrote, in words.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

async function scene(): Promise<{ card: MadeCard; ra: { uuid: string; token: string } }> {
  const who = await holder(h.db);
  const card = await makeCard(h.service.ctx, { userUuid: who.userUuid, algorithm: 'p256' });
  return { card, ra: await actor(h.db, who.orgId, ['RAA(A)'], 'Ade') };
}

const open = (card: MadeCard, token: string, body: unknown = { workstationId: WORKSTATION, card: issuedReadout(card) }) =>
  call(h.service, 'POST', `/v1/smartcards/${card.cardUuid}/repair`, body, token);
const repaired = (operationId: string, token: string, body: unknown) => call(h.service, 'POST', `/v1/card-operations/${operationId}/repaired`, body, token);

describe('repairing a smartcard', () => {
  it("rule: opening a repair answers the card's live certificate as recorded, and the card's UUID and algorithm", async () => {
    const { card, ra } = await scene();
    const res = await open(card, ra.token);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ cardUuid: card.cardUuid, algorithm: 'p256', certificate: card.certificate.der.toString('base64') });
    expect(res.body.operationId).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await operationStatus(h.db, res.body.operationId)).toBe('opened');
  });

  it('rule: the card is recognised by its serial when its CHUID is missing (the damage a repair mends)', async () => {
    const { card, ra } = await scene();
    const res = await open(card, ra.token, { workstationId: WORKSTATION, card: issuedReadout(card, { chuidUuid: null, certificateSerial: null }) });
    expect(res.status).toBe(201);
  });

  it('rule: what was rewritten is recorded (card.repaired) and said in words: "Smartcard repaired successfully"', async () => {
    const { card, ra } = await scene();
    const { operationId } = (await open(card, ra.token)).body;
    await cardProved(h, ra.token, operationId, card);
    const res = await repaired(operationId, ra.token, { workstationId: WORKSTATION, repaired: ['chuid', 'certificate'], keyMatches: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      repaired: ['certificate', 'chuid'],
      message: 'Smartcard repaired successfully: its certificate and its card identifier (CHUID) were written again.',
    });
    expect(await operationStatus(h.db, operationId)).toBe('done');
    const entry = (await auditRows(h.db)).find((a) => a.action === 'card.repaired' && a.subject === card.cardUuid);
    expect(entry?.actor).toBe(ra.uuid);
    expect(JSON.parse(entry?.details ?? '{}')).toMatchObject({ repaired: ['certificate', 'chuid'], keyMatches: true });
    // A repair changes nothing about the card's standing.
    expect((await h.db.selectFrom('cards').select('status').where('uuid', '=', card.cardUuid).executeTakeFirstOrThrow()).status).toBe('active');
  });

  it('rule: a repaired report sent again (its answer lost) gets the same answer and changes nothing', async () => {
    const { card, ra } = await scene();
    const { operationId } = (await open(card, ra.token)).body;
    await cardProved(h, ra.token, operationId, card);
    const first = await repaired(operationId, ra.token, { workstationId: WORKSTATION, repaired: ['chuid'], keyMatches: false });
    const before = await tableCounts(h.db);
    const again = await repaired(operationId, ra.token, { workstationId: WORKSTATION, repaired: ['chuid'], keyMatches: false });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: nothing to repair is said so', async () => {
    const { card, ra } = await scene();
    const { operationId } = (await open(card, ra.token)).body;
    await cardProved(h, ra.token, operationId, card);
    const res = await repaired(operationId, ra.token, { workstationId: WORKSTATION, repaired: [], keyMatches: true });
    expect(res.body.message).toBe('Smartcard repaired successfully: nothing on it needed repairing.');
  });

  it("rule: a card whose key is not the certificate's is told to be cancelled and replaced, and never reported as having its certificate written", async () => {
    const { card, ra } = await scene();
    const { operationId } = (await open(card, ra.token)).body;
    await cardProved(h, ra.token, operationId, card);
    const before = await tableCounts(h.db);
    const lie = await repaired(operationId, ra.token, { workstationId: WORKSTATION, repaired: ['certificate'], keyMatches: false });
    expect(lie.status).toBe(400);
    expect(lie.body.fields.map((f: { path: string }) => f.path)).toEqual(['body.repaired']);
    expect(await tableCounts(h.db)).toEqual(before);
    const res = await repaired(operationId, ra.token, { workstationId: WORKSTATION, repaired: ['chuid'], keyMatches: false });
    expect(res.status).toBe(200);
    expect(res.body.message).toBe(
      "This smartcard's key does not match the certificate on record, so its certificate could not be written back. Its card identifier (CHUID) was written again. Cancel the card and issue a new smartcard.",
    );
  });

  it('rule: the repair is only recorded after the card proved itself with the management key; before, 409 and nothing changes', async () => {
    const { card, ra } = await scene();
    const { operationId } = (await open(card, ra.token)).body;
    const before = await tableCounts(h.db);
    const res = await repaired(operationId, ra.token, { workstationId: WORKSTATION, repaired: [], keyMatches: true });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('The smartcard has not proved itself to the service yet. Start the repair again.');
    expect(await tableCounts(h.db)).toEqual(before);
    expect(await operationStatus(h.db, operationId)).toBe('opened');
  });

  it('rule: another card in the reader is refused, in words; nothing is opened', async () => {
    const { card, ra } = await scene();
    const before = await tableCounts(h.db);
    const res = await open(card, ra.token, { workstationId: WORKSTATION, card: issuedReadout(card, { serial: card.serial + 1, chuidUuid: '00000000-0000-4000-8000-000000000042' }) });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('The smartcard in your second reader is not the card you chose. Insert that card and try again.');
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: a cancelled card cannot be repaired', async () => {
    const { card, ra } = await scene();
    expect((await call(h.service, 'POST', `/v1/smartcards/${card.cardUuid}/cancel`, { reason: 'damaged' }, ra.token)).status).toBe(200);
    const res = await open(card, ra.token);
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('This smartcard has been cancelled, so it cannot be repaired. Issue a new smartcard instead.');
  });

  it('rule: the repair can only be finished from the workstation and session that opened it', async () => {
    const { card, ra } = await scene();
    const { operationId } = (await open(card, ra.token)).body;
    await cardProved(h, ra.token, operationId, card);
    const elsewhere = await repaired(operationId, ra.token, { workstationId: 'ws-other', repaired: [], keyMatches: true });
    expect(elsewhere.status).toBe(404);
    expect(await operationStatus(h.db, operationId)).toBe('authenticated');
  });
});

describe('repairing a smartcard: bad input', () => {
  it.each([
    ['no card readout', { workstationId: WORKSTATION }, 'body.card'],
    ['a readout with a bad serial', 'bad-serial', 'body.card.serial'],
    ['an unknown field', 'extra', 'body'],
  ])('rule: opening with %s gets 400 naming the field; nothing changes', async (_what, kind, field) => {
    const { card, ra } = await scene();
    const body =
      kind === 'bad-serial'
        ? { workstationId: WORKSTATION, card: issuedReadout(card, { serial: -1 }) }
        : kind === 'extra'
          ? { workstationId: WORKSTATION, card: issuedReadout(card), force: true }
          : kind;
    const before = await tableCounts(h.db);
    const res = await open(card, ra.token, body);
    expect(res.status).toBe(400);
    expect(res.body.fields.map((f: { path: string }) => f.path)).toContain(field);
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: a repaired report with an unknown part or a bad operation id gets 400; nothing changes', async () => {
    const { card, ra } = await scene();
    const { operationId } = (await open(card, ra.token)).body;
    await cardProved(h, ra.token, operationId, card);
    const before = await tableCounts(h.db);
    const part = await repaired(operationId, ra.token, { workstationId: WORKSTATION, repaired: ['passcode'], keyMatches: true });
    expect(part.status).toBe(400);
    expect(part.body.fields.map((f: { path: string }) => f.path)).toContain('body.repaired.0');
    const id = await repaired('short', ra.token, { workstationId: WORKSTATION, repaired: [], keyMatches: true });
    expect(id.status).toBe(400);
    expect(id.body.fields.map((f: { path: string }) => f.path)).toContain('params.operationId');
    expect(await tableCounts(h.db)).toEqual(before);
    expect(await operationStatus(h.db, operationId)).toBe('authenticated');
  });
});
