import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOutbox } from '../../../../src-service/notify/outbox.js';
import type { MadeCard } from '../../../../src-service/ca/card-factory.js';
import { certificateOf, OTHER_WS, sealedPuks, selfUnlockRequest, startUnlockRig, witnessAndRelease, WS, type UnlockRig } from '../support/unlock-rig.js';

// Secrets of an unlock stay secret: the security code reaches only the holder (the outbox here)
// and never a response, an error or the audit log; the PUKs reach only the release response;
// the management key reaches nothing. Both flows run to the end, with refusals on the way.

let rig: UnlockRig;
const cards: MadeCard[] = [];
const puks: string[] = [];
const releaseBodies = new Set<string>();
const HOLDER_EMAIL = 'kofi.mensah@nhs.net';
const HOLDER_MOBILE = '07700900456';

beforeAll(async () => {
  rig = await startUnlockRig();
  const orgId = (await rig.org()).id;
  const sponsor = await rig.sponsor(orgId, ['S']);
  const holder = await rig.person({ orgId, email: HOLDER_EMAIL, mobile: HOLDER_MOBILE });
  const selfCard = await rig.card(holder.uuid);
  const sponsoredCard = await rig.card(holder.uuid);
  cards.push(selfCard, sponsoredCard);
  for (const card of cards) puks.push((await sealedPuks(rig, card)).puk as string);

  // Self-service: a code by email, then one by text; wrong codes, a wrong workstation, the right code.
  const request = selfUnlockRequest(selfCard);
  await rig.call('POST', '/v1/unlock/self', await rig.proved(request));
  const sent = await rig.call('POST', '/v1/unlock/self', await rig.proved({ ...request, channel: 'sms' }));
  const code = /\b(\d{6})\b/.exec((await readOutbox(rig.db, 1))[0]!.text)![1]!;
  const wrong = String((Number(code) + 7) % 1_000_000).padStart(6, '0');
  const unlockId = sent.body.unlockId;
  await rig.call('POST', `/v1/unlock/${unlockId}/code`, { workstationId: WS, code: wrong });
  await rig.call('POST', `/v1/unlock/${unlockId}/code`, { workstationId: OTHER_WS, code });
  await rig.call('POST', `/v1/unlock/${unlockId}/code`, { workstationId: WS, code: `${code}0` });
  await rig.call('POST', `/v1/unlock/${unlockId}/code`, { workstationId: WS, code });
  await rig.call('POST', `/v1/unlock/${unlockId}/code`, { workstationId: WS, code });
  const self = await witnessAndRelease(rig, unlockId, selfCard);
  releaseBodies.add(self.release.text);
  puks.push(self.release.body.nextPuk);
  await rig.call('POST', `/v1/unlock/${unlockId}/commit`, { workstationId: WS });
  await rig.call('POST', `/v1/unlock/${unlockId}/commit`, { workstationId: WS });
  await rig.call('POST', `/v1/unlock/${unlockId}/release`, { workstationId: WS, exchangeId: 'AAAAAAAAAAAAAAAAAAAAAA', cardResponse: Buffer.alloc(16).toString('base64') });

  // Sponsor: inspect, unlock, a bad proof, release without commit, again, then commit.
  const cardRequest = { cardUuid: sponsoredCard.cardUuid, certificate: certificateOf(sponsoredCard) };
  await rig.call('POST', '/v1/card-service/inspect', cardRequest, { token: sponsor.token });
  const first = await rig.call('POST', '/v1/card-service/unlock', cardRequest, { token: sponsor.token });
  const badWitness = await rig.call('POST', `/v1/unlock/${first.body.unlockId}/card-witness`, { workstationId: WS, witness: Buffer.alloc(16, 1).toString('base64') });
  await rig.call('POST', `/v1/unlock/${first.body.unlockId}/release`, { workstationId: WS, exchangeId: badWitness.body.exchangeId, cardResponse: Buffer.alloc(16, 2).toString('base64') });
  const r1 = await witnessAndRelease(rig, first.body.unlockId, sponsoredCard);
  releaseBodies.add(r1.release.text);
  puks.push(r1.release.body.nextPuk);
  const second = await rig.call('POST', '/v1/card-service/unlock', cardRequest, { token: sponsor.token });
  const r2 = await witnessAndRelease(rig, second.body.unlockId, sponsoredCard);
  releaseBodies.add(r2.release.text);
  await rig.call('POST', `/v1/unlock/${first.body.unlockId}/commit`, { workstationId: WS });
  await rig.call('POST', `/v1/unlock/${second.body.unlockId}/commit`, { workstationId: WS });
  // The sponsor tries their own card, and the holder's card once more without a session.
  await rig.call('POST', '/v1/card-service/unlock', { cardUuid: sponsor.card.cardUuid, certificate: certificateOf(sponsor.card) }, { token: sponsor.token });
  await rig.call('POST', '/v1/card-service/unlock', cardRequest);
});
afterAll(async () => rig.close());

const codes = async (): Promise<string[]> => (await readOutbox(rig.db, 100)).map((m) => /\b(\d{6})\b/.exec(m.text)![1]!);
// Every column someone wrote; the chain hashes are left out (derived, and long hex could hold six
// digits in a row by chance).
const auditText = async (): Promise<string[]> =>
  (await rig.db.selectFrom('audit_log').select(['at', 'actor', 'action', 'subject', 'workstation_id', 'details']).orderBy('seq').execute()).map((row) => JSON.stringify(row));
const managementKeyForms = (card: MadeCard): string[] => {
  const key = Buffer.from(card.state.managementKey.key, 'hex');
  return [key.toString('hex'), key.toString('hex').toUpperCase(), key.toString('base64'), key.toString('base64url')];
};

describe('unlock secrets stay secret', () => {
  it('the flows ran: codes sent, refusals met, PUKs released and committed', async () => {
    expect(await codes()).toHaveLength(2);
    expect(new Set(puks).size).toBe(puks.length);
    expect(puks.every((p) => /^\d{8}$/.test(p))).toBe(true);
    expect(rig.errorBodies.length).toBeGreaterThanOrEqual(8);
    const actions = new Set((await rig.db.selectFrom('audit_log').select('action').execute()).map((r) => r.action));
    for (const action of ['card.unlock-code-sent', 'card.unlock-code-refused', 'card.unlock-code-accepted', 'card.unlock-started', 'card.puk-released', 'card.unlocked', 'card.unlock-refused']) {
      expect(actions, action).toContain(action);
    }
  });

  it('rule: no audit entry holds a security code, a PUK, a management key or a full contact address', async () => {
    const rows = await auditText();
    for (const row of rows) {
      for (const code of await codes()) expect(row).not.toContain(code);
      for (const puk of puks) expect(row).not.toContain(puk);
      for (const card of cards) for (const form of managementKeyForms(card)) expect(row).not.toContain(form);
      expect(row).not.toContain(HOLDER_EMAIL);
      expect(row).not.toContain(HOLDER_MOBILE);
    }
  });

  it('rule: no error body holds a security code, a PUK or a management key', async () => {
    for (const body of rig.errorBodies) {
      for (const code of await codes()) expect(body).not.toContain(code);
      for (const puk of puks) expect(body).not.toContain(puk);
      for (const card of cards) for (const form of managementKeyForms(card)) expect(body).not.toContain(form);
    }
  });

  it('rule: no response at all holds a security code; only the release responses hold PUKs', async () => {
    for (const body of rig.bodies) {
      for (const code of await codes()) expect(body).not.toContain(code);
      if (!releaseBodies.has(body)) for (const puk of puks) expect(body).not.toContain(puk);
    }
  });
});
