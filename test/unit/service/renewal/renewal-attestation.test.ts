import { generateKeyPairSync, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pivSession } from '../../../../src-main/agent/card-transaction.js';
import { ALG, SLOT } from '../../../../src-main/card/piv/piv-constants.js';
import { localManagementKeyResponder } from '../../../../src-main/card/piv/piv-management-key.js';
import { InProcessReaderDriver } from '../../../../src-main/virtual-card/in-process-readers.js';
import { PivCardEngine } from '../../../../src-main/virtual-card/piv-card-engine.js';
import { assembleCertificationRequest, certificationRequestInfo } from '../../../../src-shared/crypto/pkcs10.js';
import type { MadeCard } from '../../../../src-service/ca/card-factory.js';
import { UNATTESTED_RECOVERY } from '../../../../src-service/renewal/attestation.js';
import {
  attestationFor,
  certificateRows,
  confirm,
  csrFor,
  expiringIn,
  holderWithCard,
  loginWith,
  newCardKey,
  oldKeySignatureFor,
  openSelfRenewal,
  proofFor,
  proveCard,
  renewalRigPerFile,
  renewalRows,
  requestCertificate,
  requestSelfRenewal,
  requestSponsorRenewal,
  type KeyProof,
  type RenewalRig,
  type SelfRenewal,
} from '../support/renewal-rig.js';
import { auditRows, WS } from '../support/unlock-rig.js';

// A renewal's new key must be the card holder's (src-service/renewal/attestation.ts): a card
// with a registered attestation key sends the card's attestation of the key with the request,
// and nothing is issued for a key it does not attest; a card without one sends its old 9A key's
// signature over the renewal (which needs the holder's passcode), checked against its live
// certificate, and is never renewed by recovery. Someone holding the card for a moment, without
// its passcode, gets no certificate for a key of their own, and the holder's stays live.

let rig: RenewalRig;
let orgId: number;
renewalRigPerFile((file) => ({ rig, orgId } = file));

/** A holder's own renewal of a card expiring in 30 days, the card's management-key proof given. */
async function provedSelfRenewal(o: { unregistered?: boolean } = {}): Promise<SelfRenewal> {
  const { holder, card } = await holderWithCard(rig, { orgId, given: 'Ash', days: 30 });
  if (o.unregistered) await forgetAttestationKey(card);
  const renewalId = await openSelfRenewal(rig, holder, card);
  expect((await proveCard(rig, renewalId, card)).status).toBe(200);
  return { holder, card, renewalId };
}

/** A card made before cards had attestation keys, or enrolled elsewhere. */
const forgetAttestationKey = async (card: MadeCard): Promise<void> => {
  await rig.db.updateTable('cards').set({ attestation_key: null }).where('id', '=', card.cardId).execute();
};

const lastRefusal = async (): Promise<Record<string, unknown>> => {
  const entry = (await auditRows(rig.db)).at(-1)!;
  expect(entry.action).toBe('card.renewal-refused');
  return JSON.parse(entry.details) as Record<string, unknown>;
};

const issuedAudit = async (card: MadeCard): Promise<Record<string, unknown>> => {
  const entry = (await auditRows(rig.db)).filter((r) => r.action === 'card.certificate-issued' && r.subject === card.cardUuid).at(-1)!;
  return JSON.parse(entry.details) as Record<string, unknown>;
};

/** Refused: the status, the message, nothing issued, the refusal audited with its reason. */
async function expectRefused(p: SelfRenewal, proof: KeyProof, status: number, reason: string, message: RegExp): Promise<void> {
  const res = await requestCertificate(rig, p.renewalId, proof);
  expect(res.status, res.text).toBe(status);
  expect(res.body.message).toMatch(message);
  expect((await renewalRows(rig, p.card.cardId)).at(-1)).toMatchObject({ status: 'authenticated', issued_serial: null });
  expect(await lastRefusal()).toMatchObject({ step: 'certificate', reason });
}

describe('a card with a registered attestation key', () => {
  it('rule: the card made by the factory has one, recorded in the directory, whose certificate is GET DATA 5FFF01', async () => {
    const card = await rig.makeCard((await rig.person({ orgId })).uuid);
    const stored = (await rig.db.selectFrom('cards').select('attestation_key').where('id', '=', card.cardId).executeTakeFirstOrThrow()).attestation_key as Buffer;
    const certificate = new X509Certificate(Buffer.from(card.state.attestation!.certificate, 'base64'));
    expect(certificate.publicKey.export({ type: 'spki', format: 'der' }).equals(stored)).toBe(true);
    // Self-signed, not issued by the service's CA: the card's own key vouches for nothing else.
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.checkIssued(rig.service.ctx.ca.issuing)).toBe(false);
  });

  it('rule: an attestation of the request key, by the card, for 9A, with its serial: issued, and audited as attested', async () => {
    const p = await provedSelfRenewal();
    const key = newCardKey();
    const res = await requestCertificate(rig, p.renewalId, proofFor(p.card, key));
    expect(res.status, res.text).toBe(200);
    const issued = new X509Certificate(Buffer.from(res.body.certificate, 'base64'));
    expect(issued.publicKey.export({ type: 'spki', format: 'der' }).equals(key.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    expect(await issuedAudit(p.card)).toMatchObject({ kind: 'self', attested: true });
  });

  it('rule: no attestation is 400, nothing issued', async () => {
    const p = await provedSelfRenewal();
    await expectRefused(p, { csr: csrFor(newCardKey()), attestation: null }, 400, 'attestation-missing', /did not show that it made the new key/);
  });

  it.each([
    ['random bytes', () => Buffer.from('deadbeef'.repeat(40), 'hex')],
    ['a certificate with bytes after it', (p: SelfRenewal) => Buffer.concat([attestationFor(p.card, newCardKey().publicKey), Buffer.from([0])])],
    ['far too large', () => Buffer.alloc(5000, 0x30)],
  ])('rule: an attestation that is not one (%s) is 400', async (_what, make) => {
    const p = await provedSelfRenewal();
    await expectRefused(p, { csr: csrFor(newCardKey()), attestation: make(p) }, 400, 'attestation-invalid', /attestation of its new key is not valid/);
  });

  it("rule: an attestation signed by another key (a software key, another card's) is 409", async () => {
    const p = await provedSelfRenewal();
    const key = newCardKey();
    const software = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    await expectRefused(p, { csr: csrFor(key), attestation: attestationFor(p.card, key.publicKey, { signingKey: software }) }, 409, 'attestation-not-this-card', /not made by this smartcard/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await expectRefused(p, { csr: csrFor(key), attestation: attestationFor(p.card, key.publicKey, { signingKey: rsa }) }, 409, 'attestation-not-this-card', /not made by this smartcard/);
    const other = await rig.makeCard((await rig.person({ orgId })).uuid);
    await expectRefused(p, { csr: csrFor(key), attestation: attestationFor(other, key.publicKey, { serial: p.card.serial }) }, 409, 'attestation-not-this-card', /not made by this smartcard/);
  });

  it("rule: the card's genuine attestation of its own new key, sent with a request for a software key, is 409", async () => {
    const p = await provedSelfRenewal();
    const onCard = newCardKey();
    const software = newCardKey();
    await expectRefused(p, { csr: csrFor(software), attestation: attestationFor(p.card, onCard.publicKey) }, 409, 'attestation-other-key', /for another key than the certificate request's/);
  });

  it('rule: an attestation of another slot (9C) or naming another serial is 409', async () => {
    const p = await provedSelfRenewal();
    const key = newCardKey();
    await expectRefused(p, { csr: csrFor(key), attestation: attestationFor(p.card, key.publicKey, { slot: 0x9c }) }, 409, 'attestation-other-slot', /not for its authentication key/);
    expect(await lastRefusal()).toMatchObject({ attestedSlot: '9c' });
    await expectRefused(p, { csr: csrFor(key), attestation: attestationFor(p.card, key.publicKey, { serial: p.card.serial + 1 }) }, 409, 'attestation-other-serial', /another card's serial number/);
    expect(await lastRefusal()).toMatchObject({ attestedSerial: p.card.serial + 1 });
    // The same renewal still takes the right proof.
    expect((await requestCertificate(rig, p.renewalId, proofFor(p.card, key))).status).toBe(200);
  });

  it('rule: a recovery needs the attestation too, and with it finishes', async () => {
    const p = await provedSelfRenewal();
    const recovered = await rig.call('POST', '/v1/renewals/recover', await rig.proved({ workstationId: WS, cardUuid: p.card.cardUuid }));
    expect(recovered.status, recovered.text).toBe(200);
    const r: SelfRenewal = { ...p, renewalId: recovered.body.renewalId };
    expect((await proveCard(rig, r.renewalId, p.card)).status).toBe(200);
    await expectRefused(r, { csr: csrFor(newCardKey()), attestation: null }, 400, 'attestation-missing', /did not show/);
    expect((await requestCertificate(rig, r.renewalId, proofFor(p.card, newCardKey()))).status).toBe(200);
    expect(await issuedAudit(p.card)).toMatchObject({ kind: 'recovery', attested: true });
  });

  it("rule: the virtual card's own answers (GENERATE, ATTEST 9A, the request it signs) are accepted", async () => {
    const p = await provedSelfRenewal();
    const readers = new InProcessReaderDriver(['Reader']);
    try {
      readers.insert('Reader', new PivCardEngine(structuredClone(p.card.state)));
      const proof = await readers.transaction('Reader', async (transport, atr) => {
        const piv = pivSession(transport, atr);
        await piv.select();
        await piv.verifyPin(Buffer.from('123456', 'ascii'));
        await piv.authenticateManagementKey(localManagementKeyResponder(ALG.AES128, Buffer.from(p.card.state.managementKey.key, 'hex')));
        const key = await piv.generateKey(SLOT.AUTHENTICATION, ALG.ECC_P256);
        const attestation = (await piv.attest(SLOT.AUTHENTICATION))!;
        const info = certificationRequestInfo({ spki: key.export({ type: 'spki', format: 'der' }), commonName: 'Ash' });
        const csr = assembleCertificationRequest(info, 'p256', await piv.sign(SLOT.AUTHENTICATION, ALG.ECC_P256, info));
        return { csr, attestation };
      });
      const res = await requestCertificate(rig, p.renewalId, proof);
      expect(res.status, res.text).toBe(200);
    } finally {
      await readers.close();
    }
  });
});

describe('a card without a registered attestation key (most PIV cards)', () => {
  /** The card's old key vouching for this renewal, as the agent sends it with the request for `key`. */
  const vouchedFor = (p: SelfRenewal, key: ReturnType<typeof newCardKey>, signer?: KeyObject): KeyProof => ({
    csr: csrFor(key, p.card.algorithm),
    attestation: null,
    oldKeySignature: oldKeySignatureFor(p.card, p.renewalId, signer),
  });

  /** Nothing issued, nothing to confirm, the old certificate still live and still signing in. */
  async function expectOldCertificateStillLive(p: SelfRenewal): Promise<void> {
    expect((await confirm(rig, p.renewalId)).status).toBe(409);
    expect(await certificateRows(rig, p.card.cardId)).toEqual([{ serial: p.card.certificate.serial, revoked_at: null, revocation_reason: null }]);
    expect((await loginWith(rig, p.card.certificate.der, p.card.privateKey, p.card.algorithm)).status).toBe(200);
    expect((await auditRows(rig.db)).some((r) => r.action === 'card.certificate-issued' && r.subject === p.card.cardUuid)).toBe(false);
  }

  it("rule: once the card has proved itself, the service asks for its old key's signature", async () => {
    const { holder, card } = await holderWithCard(rig, { orgId, days: 30 });
    await forgetAttestationKey(card);
    const renewalId = await openSelfRenewal(rig, holder, card);
    const proved = await proveCard(rig, renewalId, card);
    expect(proved.body).toEqual({ authenticated: true, newKeyProof: 'old-key-signature', issuedCertificate: null });
  });

  it("rule: a software key with neither an attestation nor the old key's signature is refused (400): nothing issued, the old certificate still live", async () => {
    const p = await provedSelfRenewal({ unregistered: true });
    const software = newCardKey();
    await expectRefused(p, { csr: csrFor(software), attestation: null }, 400, 'old-key-signature-missing', /cannot show that it made the new key.*passcode/);
    // An attestation nobody can check vouches for nothing.
    await expectRefused(p, proofFor(p.card, software), 400, 'old-key-signature-missing', /no such signature came with the request/);
    await expectOldCertificateStillLive(p);
  });

  it('rule: a software key with a signature made by some other key, or for another renewal, is refused (409)', async () => {
    const p = await provedSelfRenewal({ unregistered: true });
    const software = newCardKey();
    const other = await rig.makeCard((await rig.person({ orgId })).uuid);
    const refusedSigners: [string, KeyProof][] = [
      ['a key made in software', vouchedFor(p, software, newCardKey().privateKey)],
      ['the new key itself', vouchedFor(p, software, software.privateKey)],
      ["another card's 9A key", vouchedFor(p, software, other.privateKey)],
      ['the old key, for another renewal', { csr: csrFor(software), attestation: null, oldKeySignature: oldKeySignatureFor(p.card, 'another-renewal-id') }],
      ['the old key, over something else', { csr: csrFor(software), attestation: null, oldKeySignature: sign('sha256', Buffer.from(p.renewalId), { key: p.card.privateKey, dsaEncoding: 'der' }) }],
      ['not a signature', { csr: csrFor(software), attestation: null, oldKeySignature: Buffer.from('not a signature') }],
    ];
    for (const [what, proof] of refusedSigners) {
      const res = await requestCertificate(rig, p.renewalId, proof);
      expect(res.status, what).toBe(409);
      expect(res.body.message, what).toMatch(/was not made by it for this renewal/);
      expect(await lastRefusal(), what).toMatchObject({ step: 'certificate', reason: 'old-key-signature-invalid' });
    }
    expect((await renewalRows(rig, p.card.cardId)).at(-1)).toMatchObject({ status: 'authenticated', issued_serial: null });
    await expectOldCertificateStillLive(p);
  });

  it("rule: with its old key's signature over this renewal, its holder renews it; confirmed, the old certificate is superseded", async () => {
    for (const algorithm of ['p256', 'rsa2048'] as const) {
      const { holder, card } = await holderWithCard(rig, { orgId, days: 30, algorithm });
      await forgetAttestationKey(card);
      const p: SelfRenewal = { holder, card, renewalId: await openSelfRenewal(rig, holder, card) };
      expect((await proveCard(rig, p.renewalId, card)).status).toBe(200);
      const key = newCardKey(algorithm);
      const res = await requestCertificate(rig, p.renewalId, vouchedFor(p, key));
      expect(res.status, res.text).toBe(200);
      expect(await issuedAudit(card)).toMatchObject({ kind: 'self', attested: false, newKeyProof: 'old-key-signature' });
      expect((await confirm(rig, p.renewalId)).status).toBe(200);
      expect((await certificateRows(rig, card.cardId)).map((c) => c.revocation_reason)).toEqual(['superseded', null]);
      expect((await loginWith(rig, Buffer.from(res.body.certificate, 'base64'), key.privateKey, algorithm)).status).toBe(200);
    }
  });

  it("rule: a sponsor renews it only with the old key's signature, which needs the holder's passcode", async () => {
    const sponsor = await rig.sponsor(orgId, ['S']);
    const holder = await rig.person({ orgId });
    const card = await rig.makeCard(holder.uuid, { notAfter: expiringIn(rig.now(), 20) });
    await forgetAttestationKey(card);
    const opened = await requestSponsorRenewal(rig, sponsor.token, card);
    expect(opened.status, opened.text).toBe(200);
    const p: SelfRenewal = { holder, card, renewalId: opened.body.renewalId };
    expect((await proveCard(rig, p.renewalId, card)).status).toBe(200);
    // The sponsor holding the card for a moment, without its passcode: a key of their own.
    await expectRefused(p, { csr: csrFor(newCardKey()), attestation: null }, 400, 'old-key-signature-missing', /cannot show that it made the new key/);
    await expectOldCertificateStillLive(p);
    const res = await requestCertificate(rig, p.renewalId, vouchedFor(p, newCardKey()));
    expect(res.status, res.text).toBe(200);
    expect(await issuedAudit(card)).toMatchObject({ kind: 'sponsor', attested: false, newKeyProof: 'old-key-signature' });
  });

  it("rule: the old key's signature vouches for one new key: another key in the same renewal is refused (409)", async () => {
    const p = await provedSelfRenewal({ unregistered: true });
    const key = newCardKey();
    const first = await requestCertificate(rig, p.renewalId, vouchedFor(p, key));
    expect(first.status, first.text).toBe(200);
    const signature = oldKeySignatureFor(p.card, p.renewalId);
    await expect(requestCertificate(rig, p.renewalId, { csr: csrFor(newCardKey()), attestation: null, oldKeySignature: signature })).resolves.toMatchObject({ status: 409 });
    expect(await lastRefusal()).toMatchObject({ step: 'certificate', reason: 'old-key-signature-spent' });
    expect((await renewalRows(rig, p.card.cardId)).at(-1)!.issued_serial).toBe(new X509Certificate(Buffer.from(first.body.certificate, 'base64')).serialNumber.toLowerCase());
    // The same key again (its answer was lost): the same certificate.
    const again = await requestCertificate(rig, p.renewalId, vouchedFor(p, key));
    expect(again.body.certificate).toBe(first.body.certificate);
  });

  it("rule: a recovery (no passcode) is refused (409) and sent to the registration authority, even with an attestation or the old key's signature", async () => {
    const p = await provedSelfRenewal({ unregistered: true });
    const recovered = await rig.call('POST', '/v1/renewals/recover', await rig.proved({ workstationId: WS, cardUuid: p.card.cardUuid }));
    expect(recovered.status, recovered.text).toBe(200);
    const r: SelfRenewal = { ...p, renewalId: recovered.body.renewalId };
    expect((await proveCard(rig, r.renewalId, p.card)).status).toBe(200);
    const message = new RegExp(`^${UNATTESTED_RECOVERY.replace(/[.;]/g, '\\$&')}$`);
    await expectRefused(r, { csr: csrFor(newCardKey()), attestation: null }, 409, 'recovery-unattested', message);
    await expectRefused(r, proofFor(p.card, newCardKey()), 409, 'recovery-unattested', message);
    await expectRefused(r, vouchedFor(r, newCardKey()), 409, 'recovery-unattested', message);
    expect(UNATTESTED_RECOVERY).toMatch(/cannot prove its new key was made on the card; finish the renewal with your registration authority/);
    await expectOldCertificateStillLive(r);
  });

  it("rule: a certificate issued with the old key's signature is still carried into its recovery (nothing new is issued there)", async () => {
    const p = await provedSelfRenewal({ unregistered: true });
    const opened = await requestSelfRenewal(rig, p.holder, p.card);
    const renewalId = opened.body.renewalId as string;
    expect((await proveCard(rig, renewalId, p.card)).status).toBe(200);
    const issued = await requestCertificate(rig, renewalId, vouchedFor({ ...p, renewalId }, newCardKey()));
    expect(issued.status, issued.text).toBe(200);
    const recovered = await rig.call('POST', '/v1/renewals/recover', await rig.proved({ workstationId: WS, cardUuid: p.card.cardUuid }));
    const proved = await proveCard(rig, recovered.body.renewalId, p.card);
    expect(proved.body.issuedCertificate).toBe(issued.body.certificate);
  });
});
