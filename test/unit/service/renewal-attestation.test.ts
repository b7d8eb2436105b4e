import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pivSession } from '../../../src-main/agent/card-facts.js';
import { ALG, SLOT } from '../../../src-main/card/piv/piv-constants.js';
import { localManagementKeyResponder } from '../../../src-main/card/piv/piv-management-key.js';
import { InProcessReaderDriver } from '../../../src-main/virtual-card/in-process-readers.js';
import { PivCardEngine } from '../../../src-main/virtual-card/piv-card-engine.js';
import { assembleCertificationRequest, certificationRequestInfo } from '../../../src-shared/crypto/pkcs10.js';
import type { MadeCard } from '../../../src-service/ca/card-factory.js';
import { UNATTESTED_RECOVERY } from '../../../src-service/renewal/attestation.js';
import {
  attestationFor,
  csrFor,
  expiringIn,
  holderWithCard,
  newCardKey,
  openSelfRenewal,
  proofFor,
  proveCard,
  renewalRigPerFile,
  renewalRows,
  requestCertificate,
  requestSelfRenewal,
  requestSponsorRenewal,
  throughIssue,
  type KeyProof,
  type RenewalRig,
  type SelfRenewal,
} from './support/renewal-rig.js';
import { auditRows, WS } from './support/unlock-rig.js';

// A renewal's new key must have been made on the card (src-service/renewal/attestation.ts): a
// card with a registered attestation key sends the card's attestation of the key with the
// request, and nothing is issued for a key it does not attest; a card without one renews only
// with a signed-in person behind the renewal, never by recovery.

let rig: RenewalRig;
let orgId: number;
renewalRigPerFile((file) => ({ rig, orgId } = file));

/** A holder's own renewal of a card expiring in 30 days, the card's management-key proof given. */
async function provedSelfRenewal(o: { unregistered?: boolean } = {}): Promise<SelfRenewal> {
  const { holder, card } = holderWithCard(rig, { orgId, given: 'Ash', days: 30 });
  if (o.unregistered) forgetAttestationKey(card);
  const renewalId = await openSelfRenewal(rig, holder, card);
  expect((await proveCard(rig, renewalId, card)).status).toBe(200);
  return { holder, card, renewalId };
}

/** A card made before cards had attestation keys, or enrolled elsewhere. */
const forgetAttestationKey = (card: MadeCard): void => {
  rig.db.prepare('UPDATE cards SET attestation_key = NULL WHERE id = ?').run(card.cardId);
};

const lastRefusal = (): Record<string, unknown> => {
  const entry = auditRows(rig.db).at(-1)!;
  expect(entry.action).toBe('card.renewal-refused');
  return JSON.parse(entry.details) as Record<string, unknown>;
};

const issuedAudit = (card: MadeCard): Record<string, unknown> => {
  const entry = auditRows(rig.db).filter((r) => r.action === 'card.certificate-issued' && r.subject === card.cardUuid).at(-1)!;
  return JSON.parse(entry.details) as Record<string, unknown>;
};

/** Refused: the status, the message, nothing issued, the refusal audited with its reason. */
async function expectRefused(p: SelfRenewal, proof: KeyProof, status: number, reason: string, message: RegExp): Promise<void> {
  const res = await requestCertificate(rig, p.renewalId, proof);
  expect(res.status, res.text).toBe(status);
  expect(res.body.message).toMatch(message);
  expect(renewalRows(rig, p.card.cardId).at(-1)).toMatchObject({ status: 'authenticated', issued_serial: null });
  expect(lastRefusal()).toMatchObject({ step: 'certificate', reason });
}

describe('a card with a registered attestation key', () => {
  it('rule: the card made by the factory has one, recorded in the directory, whose certificate is GET DATA 5FFF01', () => {
    const card = rig.makeCard(rig.person({ orgId }).uuid);
    const stored = rig.db.prepare('SELECT attestation_key FROM cards WHERE id = ?').pluck().get(card.cardId) as Buffer;
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
    expect(issuedAudit(p.card)).toMatchObject({ kind: 'self', attested: true });
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
    const other = rig.makeCard(rig.person({ orgId }).uuid);
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
    expect(lastRefusal()).toMatchObject({ attestedSlot: '9c' });
    await expectRefused(p, { csr: csrFor(key), attestation: attestationFor(p.card, key.publicKey, { serial: p.card.serial + 1 }) }, 409, 'attestation-other-serial', /another card's serial number/);
    expect(lastRefusal()).toMatchObject({ attestedSerial: p.card.serial + 1 });
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
    expect(issuedAudit(p.card)).toMatchObject({ kind: 'recovery', attested: true });
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

describe('a card without a registered attestation key', () => {
  it('rule: its holder renews it (the session vouches), with or without an attestation, audited as not attested', async () => {
    const p = await provedSelfRenewal({ unregistered: true });
    const res = await requestCertificate(rig, p.renewalId, { csr: csrFor(newCardKey()), attestation: null });
    expect(res.status, res.text).toBe(200);
    expect(issuedAudit(p.card)).toMatchObject({ kind: 'self', attested: false });
    // An attestation nobody can check changes nothing.
    const again = await provedSelfRenewal({ unregistered: true });
    expect((await requestCertificate(rig, again.renewalId, proofFor(again.card, newCardKey()))).status).toBe(200);
  });

  it('rule: a sponsor renews it', async () => {
    const sponsor = rig.sponsor(orgId, ['S']);
    const card = rig.makeCard(rig.person({ orgId }).uuid, { notAfter: expiringIn(rig.now(), 20) });
    forgetAttestationKey(card);
    const opened = await requestSponsorRenewal(rig, sponsor.token, card);
    expect(opened.status, opened.text).toBe(200);
    expect((await proveCard(rig, opened.body.renewalId, card)).status).toBe(200);
    const res = await requestCertificate(rig, opened.body.renewalId, { csr: csrFor(newCardKey()), attestation: null });
    expect(res.status, res.text).toBe(200);
    expect(issuedAudit(card)).toMatchObject({ kind: 'sponsor', attested: false });
  });

  it('rule: a recovery is refused (409) and sent to the registration authority, even with an attestation', async () => {
    const p = await provedSelfRenewal({ unregistered: true });
    const recovered = await rig.call('POST', '/v1/renewals/recover', await rig.proved({ workstationId: WS, cardUuid: p.card.cardUuid }));
    expect(recovered.status, recovered.text).toBe(200);
    const r: SelfRenewal = { ...p, renewalId: recovered.body.renewalId };
    expect((await proveCard(rig, r.renewalId, p.card)).status).toBe(200);
    const message = new RegExp(`^${UNATTESTED_RECOVERY.replace(/[.;]/g, '\\$&')}$`);
    await expectRefused(r, { csr: csrFor(newCardKey()), attestation: null }, 409, 'recovery-unattested', message);
    await expectRefused(r, proofFor(p.card, newCardKey()), 409, 'recovery-unattested', message);
    expect(UNATTESTED_RECOVERY).toMatch(/cannot prove its new key was made on the card; finish the renewal with your registration authority/);
  });

  it('rule: a certificate a session-backed renewal issued is still carried into its recovery (nothing new is issued there)', async () => {
    const p = await provedSelfRenewal({ unregistered: true });
    const opened = await requestSelfRenewal(rig, p.holder, p.card);
    const { issued } = await throughIssue(rig, opened.body.renewalId, p.card);
    expect(issued.status, issued.text).toBe(200);
    const recovered = await rig.call('POST', '/v1/renewals/recover', await rig.proved({ workstationId: WS, cardUuid: p.card.cardUuid }));
    const proved = await proveCard(rig, recovered.body.renewalId, p.card);
    expect(proved.body.issuedCertificate).toBe(issued.body.certificate);
  });
});
