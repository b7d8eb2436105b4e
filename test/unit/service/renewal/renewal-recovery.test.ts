import { describe, expect, it } from 'vitest';
import { RenewalOpened } from '../../../../src-shared/api/service-renewal.js';
import type { MadeCard } from '../../../../src-service/ca/card-factory.js';
import {
  certificateRows,
  confirm,
  DAY,
  holderWithCard,
  loginWith,
  newCardKey,
  openSelfRenewal,
  proofFor,
  proveCard,
  renewalRigPerFile,
  renewalRows,
  requestCertificate,
  throughIssue,
  type RenewalRig,
} from '../support/renewal-rig.js';
import { auditRows, OTHER_WS, WS, type Person } from '../support/unlock-rig.js';

// POST /v1/renewals/recover: a renewal cut short (card pulled, agent stopped, renewal id lost)
// is finished without a session, because the card may no longer sign in. Only a renewal the
// service journaled, unfinished, in the last 30 days; the certificate it issued comes along;
// the card proves itself again before anything else; a few times an hour at most.

let rig: RenewalRig;
let orgId: number;
renewalRigPerFile((file) => ({ rig, orgId } = file));

const NOTHING = 'No renewal of this smartcard is waiting to be finished. If the smartcard does not work, contact your Registration Authority.';

const holderCard = () => holderWithCard(rig, { orgId, given: 'Remy', days: 60 });
const openSelf = (holder: Person, card: MadeCard): Promise<string> => openSelfRenewal(rig, holder, card);

const recover = async (card: MadeCard, workstationId = WS) => rig.call('POST', '/v1/renewals/recover', await rig.proved({ workstationId, cardUuid: card.cardUuid }));

describe('recovering a renewal cut short', () => {
  it('rule: after the certificate was issued, the new renewal carries it; the card proves itself, and it is confirmed', async () => {
    const { holder, card } = await holderCard();
    const { key, issued } = await throughIssue(rig, await openSelf(holder, card), card);
    const res = await recover(card);
    expect(res.status, res.text).toBe(200);
    const opened = RenewalOpened.parse(res.body);
    expect(opened).toMatchObject({ cardUuid: card.cardUuid, holder: { uuid: holder.uuid }, algorithm: 'p256' });
    expect((await renewalRows(rig, card.cardId)).map((r) => [r.kind, r.status, r.issued_serial !== null])).toEqual([
      ['self', 'void', true],
      ['recovery', 'opened', true],
    ]);
    // Nothing before the card's proof: not even the confirmation.
    expect((await confirm(rig, opened.renewalId)).status).toBe(409);
    const proved = await proveCard(rig, opened.renewalId, card);
    expect(proved.body).toEqual({ authenticated: true, newKeyProof: 'attestation', issuedCertificate: issued.body.certificate });
    // The card's key is that certificate's: the agent writes it and confirms.
    const done = await confirm(rig, opened.renewalId);
    expect(done.status, done.text).toBe(200);
    expect((await certificateRows(rig, card.cardId)).map((c) => c.revocation_reason)).toEqual(['superseded', null]);
    expect((await loginWith(rig, Buffer.from(issued.body.certificate, 'base64'), key.privateKey, 'p256')).status).toBe(200);
    const started = (await auditRows(rig.db)).find((e) => e.action === 'card.renewal-started' && JSON.parse(e.details).kind === 'recovery' && e.subject === card.cardUuid)!;
    expect(started).toMatchObject({ actor: holder.uuid, workstation_id: WS });
    expect(JSON.parse(started.details)).toMatchObject({ recovers: { kind: 'self', status: 'issued' }, oldSerial: card.certificate.serial });
  });

  it('rule: before anything was issued, the card makes its key and gets its certificate in the new renewal', async () => {
    const { holder, card } = await holderCard();
    const first = await openSelf(holder, card);
    expect((await proveCard(rig, first, card)).status).toBe(200);
    const res = await recover(card, OTHER_WS);
    expect(res.status).toBe(200);
    const renewalId = res.body.renewalId;
    // Bound to the workstation that asked.
    expect((await proveCard(rig, renewalId, card)).status).toBe(404);
    expect((await proveCard(rig, renewalId, card, OTHER_WS)).body.issuedCertificate).toBeNull();
    const key = newCardKey();
    expect((await requestCertificate(rig, renewalId, proofFor(card, key), OTHER_WS)).status).toBe(200);
    expect((await confirm(rig, renewalId, OTHER_WS)).status).toBe(200);
    expect((await renewalRows(rig, card.cardId)).map((r) => r.status)).toEqual(['void', 'confirmed']);
  });

  it('rule: with no unfinished renewal of the card (none, finished, or older than 30 days), 404', async () => {
    const none = await holderCard();
    const r1 = await recover(none.card);
    expect(r1.status).toBe(404);
    expect(r1.body.message).toBe(NOTHING);
    expect((await auditRows(rig.db)).at(-1)).toMatchObject({ action: 'card.renewal-refused', subject: none.card.cardUuid });

    const finished = await holderCard();
    const id = await openSelf(finished.holder, finished.card);
    await throughIssue(rig, id, finished.card);
    await confirm(rig, id);
    expect((await recover(finished.card)).status).toBe(404);

    const old = await holderCard();
    await openSelf(old.holder, old.card);
    rig.advance(30 * DAY + 60_000);
    expect((await recover(old.card)).status).toBe(404);

    // A card the service does not know cannot prove itself: refused like any card that did not.
    const unknown = await rig.call('POST', '/v1/renewals/recover', await rig.proved({ workstationId: WS, cardUuid: '2b1e3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d' }));
    expect(unknown.status).toBe(403);
    expect(unknown.body.message).toMatch(/did not prove itself/);
  });

  it('rule: at most 10 recoveries of a card an hour (429 rate-limited)', async () => {
    const { holder, card } = await holderCard();
    await openSelf(holder, card);
    for (let i = 0; i < 10; i++) expect((await recover(card)).status).toBe(200);
    const res = await recover(card);
    expect(res.status).toBe(429);
    expect(res.body.code).toBe('rate-limited');
    expect(res.body.message).toMatch(/10 times in the last hour.*Try again in \d+ minutes?/);
    rig.advance(61 * 60_000);
    expect((await recover(card)).status).toBe(200);
  });

  it('rule: a revoked card is not recovered (409)', async () => {
    const { holder, card } = await holderCard();
    await openSelf(holder, card);
    await rig.db.updateTable('cards').set({ status: 'revoked' }).where('id', '=', card.cardId).execute();
    const res = await recover(card);
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/revoked, so its certificate cannot be renewed/);
  });
});
