import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RenewalConfirmResponse } from '../../../../src-shared/api/service-renewal.js';
import { revokeCard } from '../../../../src-service/auth/card-revocation.js';
import { endSession } from '../../../../src-service/auth/session-store.js';
import {
  certificateRows,
  confirm,
  expiringIn,
  holderWithCard,
  loginWith,
  newCardKey,
  openSelfRenewal,
  renewalRigPerFile,
  renewalRows,
  requestSelfRenewal,
  requestSponsorRenewal,
  throughIssue,
  type KeyPair,
  type RenewalRig,
  type SelfRenewal,
} from '../support/renewal-rig.js';
import { auditRows, WS } from '../support/unlock-rig.js';

// The end of a renewal: the certificate on the card goes live and the old one is revoked
// ('superseded'), when the agent confirms it or, if nobody did, when the card signs in with it
// (the renewal rolls forward). Until then the old certificate still works; after, only the new.

let rig: RenewalRig;
let orgId: number;
renewalRigPerFile((file) => ({ rig, orgId } = file));

interface Issued extends SelfRenewal {
  readonly key: KeyPair;
  readonly der: Buffer;
}

/** A holder's own renewal taken up to the issued certificate (not yet written, not confirmed). */
async function issuedRenewal(): Promise<Issued> {
  const { holder, card } = await holderWithCard(rig, { orgId, given: 'Ines', days: 45 });
  const renewalId = await openSelfRenewal(rig, holder, card);
  const { key, issued } = await throughIssue(rig, renewalId, card);
  expect(issued.status, issued.text).toBe(200);
  return { holder, card, renewalId, key, der: Buffer.from(issued.body.certificate, 'base64') };
}

const serialOf = (der: Buffer): string => new X509Certificate(der).serialNumber.toLowerCase();
const loginOld = (r: Issued) => loginWith(rig, r.card.certificate.der, r.card.privateKey, 'p256');
const loginNew = (r: Issued) => loginWith(rig, r.der, r.key.privateKey, 'p256');

describe('confirming', () => {
  it('rule: the new certificate goes live, the old one is revoked as superseded, and it is audited', async () => {
    const r = await issuedRenewal();
    expect((await loginOld(r)).status).toBe(200);
    const res = await confirm(rig, r.renewalId);
    expect(res.status, res.text).toBe(200);
    const answer = RenewalConfirmResponse.parse(res.body);
    expect(answer.certificateNotAfter).toBe(new Date(new X509Certificate(r.der).validTo).toISOString());
    expect(answer.daysToExpiry).toBeGreaterThanOrEqual(3 * 365);
    const [old, fresh] = await certificateRows(rig, r.card.cardId);
    expect(old).toMatchObject({ serial: r.card.certificate.serial, revocation_reason: 'superseded' });
    expect(Math.abs(new Date(old!.revoked_at!).getTime() - rig.now().getTime())).toBeLessThan(5_000);
    expect(fresh).toEqual({ serial: serialOf(r.der), revoked_at: null, revocation_reason: null });
    expect((await renewalRows(rig, r.card.cardId)).at(-1)!.status).toBe('confirmed');
    const entry = (await auditRows(rig.db)).at(-1)!;
    expect(entry).toMatchObject({ action: 'card.renewed', actor: r.holder.uuid, subject: r.card.cardUuid, workstation_id: WS });
    expect(JSON.parse(entry.details)).toMatchObject({
      kind: 'self',
      holderUuid: r.holder.uuid,
      sponsorUuid: null,
      cardUuid: r.card.cardUuid,
      workstationId: WS,
      oldSerial: r.card.certificate.serial,
      newSerial: serialOf(r.der),
      confirmedBy: 'agent',
    });
  });

  it('rule: after it, a login with the old certificate is refused as revoked and the new one signs in', async () => {
    const r = await issuedRenewal();
    await confirm(rig, r.renewalId);
    const old = await loginOld(r);
    expect(old.status).toBe(403);
    expect(old.body.message).toBe("The smartcard's certificate has been revoked. Contact your Registration Authority.");
    const fresh = await loginNew(r);
    expect(fresh.status, fresh.text).toBe(200);
    expect(fresh.body.card.certificateNotAfter).toBe(new Date(new X509Certificate(r.der).validTo).toISOString());
    expect(fresh.body.card.renewalDue).toBe(false);
  });

  it('rule: confirming again gives the same answer and changes nothing', async () => {
    const r = await issuedRenewal();
    const first = await confirm(rig, r.renewalId);
    const audited = (await auditRows(rig.db)).length;
    const again = await confirm(rig, r.renewalId);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(await auditRows(rig.db)).toHaveLength(audited);
    expect(await certificateRows(rig, r.card.cardId)).toHaveLength(2);
  });

  it('rule: the confirmation voids the card\'s other unfinished renewals', async () => {
    const r = await issuedRenewal();
    const other = await requestSelfRenewal(rig, r.holder, r.card);
    expect(other.status).toBe(200);
    await confirm(rig, r.renewalId);
    expect((await renewalRows(rig, r.card.cardId)).map((x) => x.status)).toEqual(['confirmed', 'void']);
  });

  it("rule: a sponsor's renewal is confirmed even after the sponsor signed out (the card holds the certificate), naming the sponsor", async () => {
    const sponsor = await rig.sponsor(orgId, ['LSA']);
    const holder = await rig.person({ orgId });
    const card = await rig.makeCard(holder.uuid, { notAfter: expiringIn(rig.now(), 5) });
    const opened = await requestSponsorRenewal(rig, sponsor.token, card);
    const { issued } = await throughIssue(rig, opened.body.renewalId, card);
    await endSession(rig.db, sponsor.sessionId, 'logout', rig.now().getTime());
    rig.advance(11 * 60_000);
    expect((await confirm(rig, opened.body.renewalId)).status).toBe(200);
    const entry = (await auditRows(rig.db)).at(-1)!;
    expect(entry).toMatchObject({ action: 'card.renewed', actor: sponsor.uuid });
    expect(JSON.parse(entry.details)).toMatchObject({ kind: 'sponsor', sponsorUuid: sponsor.uuid, holderUuid: holder.uuid, newSerial: serialOf(Buffer.from(issued.body.certificate, 'base64')) });
  });

  it('rule: a card revoked before the confirmation does not get a live certificate (409)', async () => {
    const r = await issuedRenewal();
    await revokeCard(rig.service.ctx, { cardUuid: r.card.cardUuid, reason: 'stolen', actor: 'system' });
    const res = await confirm(rig, r.renewalId);
    expect(res.status).toBe(409);
    expect((await certificateRows(rig, r.card.cardId)).map((c) => c.serial)).toEqual([r.card.certificate.serial]);
  });
});

describe('at the same moment', () => {
  it('rule: a renewal confirmed several times at once while logins roll it forward goes live once', async () => {
    const r = await issuedRenewal();
    // The agent repeating an answer it did not hear, and the card signing in, all in the same moment.
    const confirms = Array.from({ length: 6 }, () => confirm(rig, r.renewalId));
    const logins = Array.from({ length: 2 }, () => loginNew(r));
    const answers = await Promise.all([...confirms, ...logins]);
    expect(
      answers.map((a) => a.status),
      answers.map((a) => a.text).join('\n'),
    ).toEqual(Array.from({ length: 8 }, () => 200));
    for (const answer of answers.slice(1, 6)) expect(answer.body).toEqual(answers[0]!.body);
    expect((await certificateRows(rig, r.card.cardId)).map((c) => [c.serial, c.revocation_reason])).toEqual([
      [r.card.certificate.serial, 'superseded'],
      [serialOf(r.der), null],
    ]);
    expect((await renewalRows(rig, r.card.cardId)).at(-1)!.status).toBe('confirmed');
    expect((await auditRows(rig.db)).filter((e) => e.action === 'card.renewed' && e.subject === r.card.cardUuid)).toHaveLength(1);
  });
});

describe('rolling forward at login', () => {
  it('rule: a card signing in with the issued, unconfirmed certificate confirms the renewal and signs in', async () => {
    const r = await issuedRenewal();
    const res = await loginNew(r);
    expect(res.status, res.text).toBe(200);
    expect(res.body.user.uuid).toBe(r.holder.uuid);
    expect((await renewalRows(rig, r.card.cardId)).at(-1)!.status).toBe('confirmed');
    expect((await certificateRows(rig, r.card.cardId)).map((c) => [c.serial, c.revocation_reason])).toEqual([
      [r.card.certificate.serial, 'superseded'],
      [serialOf(r.der), null],
    ]);
    const [renewed, login] = (await auditRows(rig.db)).slice(-2);
    expect(renewed).toMatchObject({ action: 'card.renewed', actor: r.holder.uuid, subject: r.card.cardUuid, workstation_id: WS });
    expect(JSON.parse(renewed!.details)).toMatchObject({ confirmedBy: 'rolled forward at login', oldSerial: r.card.certificate.serial, newSerial: serialOf(r.der) });
    expect(login!.action).toBe('login.succeeded');
    // Later logins are ordinary ones; the agent's late confirmation gets the same answer.
    expect((await loginNew(r)).status).toBe(200);
    expect((await confirm(rig, r.renewalId)).status).toBe(200);
    expect((await auditRows(rig.db)).filter((e) => e.action === 'card.renewed' && e.subject === r.card.cardUuid)).toHaveLength(1);
  });

  it('rule: before that, the old certificate still signs in (the card may not have been written)', async () => {
    const r = await issuedRenewal();
    expect((await loginOld(r)).status).toBe(200);
    expect((await renewalRows(rig, r.card.cardId)).at(-1)!.status).toBe('issued');
  });

  it('rule: a login refused for another reason rolls nothing forward', async () => {
    const r = await issuedRenewal();
    await rig.db.updateTable('users').set({ status: 'closed' }).where('id', '=', r.holder.userId).execute();
    const res = await loginNew(r);
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/profile is closed/);
    expect((await renewalRows(rig, r.card.cardId)).at(-1)!.status).toBe('issued');
    expect(await certificateRows(rig, r.card.cardId)).toHaveLength(1);
  });

  it('rule: the certificate of a voided renewal, or a key that does not match it, does not sign in (401)', async () => {
    const r = await issuedRenewal();
    expect((await loginWith(rig, r.der, newCardKey().privateKey, 'p256')).status).toBe(401);
    await rig.db.updateTable('card_renewals').set({ status: 'void' }).where('card_id', '=', r.card.cardId).execute();
    const res = await loginNew(r);
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/not registered with the identity service/);
  });
});
