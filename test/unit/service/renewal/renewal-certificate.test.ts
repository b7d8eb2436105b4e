import { randomBytes, sign, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RenewalAuthenticateResponse, RenewalCertificateResponse } from '../../../../src-shared/api/service-renewal.js';
import { assembleCertificationRequest, certificationRequestInfo } from '../../../../src-shared/crypto/pkcs10.js';
import { endSession } from '../../../../src-service/auth/session-store.js';
import type { MadeCard } from '../../../../src-service/ca/card-factory.js';
import {
  attestationFor,
  certificateRows,
  confirm,
  csrFor,
  DAY,
  expiringIn,
  holderWithCard,
  newCardKey,
  openSelfRenewal,
  proofFor,
  proveCard,
  renewalRigPerFile,
  renewalRows,
  requestCertificate,
  requestSponsorRenewal,
  throughIssue,
  type RenewalRig,
  type SelfRenewal,
} from '../support/renewal-rig.js';
import { auditRows, cardEncrypt, OTHER_WS, WS } from '../support/unlock-rig.js';

// The card steps of a renewal: the card proves itself with its management key, makes a new key
// and sends a PKCS#10 request signed with it; the service issues a certificate with the subject
// from the directory (never from the request), for a new key of the card's own type only, and
// keeps it in the renewal until the card holds it.

let rig: RenewalRig;
let orgId: number;
renewalRigPerFile((file) => ({ rig, orgId } = file));

/** A holder whose card expires in 30 days, and a renewal of it they opened themselves. */
async function openedSelfRenewal(algorithm: 'p256' | 'rsa2048' = 'p256'): Promise<SelfRenewal> {
  const { holder, card } = await holderWithCard(rig, { orgId, given: 'Rowan', days: 30, algorithm });
  return { holder, card, renewalId: await openSelfRenewal(rig, holder, card) };
}

const issuedSerial = async (card: MadeCard): Promise<string | null> => (await renewalRows(rig, card.cardId)).at(-1)!.issued_serial;

describe('the card proves itself', () => {
  it('rule: the service decrypts the witness and checks the answer; the renewal becomes authenticated', async () => {
    const { card, renewalId } = await openedSelfRenewal();
    const proved = await proveCard(rig, renewalId, card);
    expect(proved.status, proved.text).toBe(200);
    expect(RenewalAuthenticateResponse.parse(proved.body)).toEqual({ authenticated: true, newKeyProof: 'attestation', issuedCertificate: null });
    expect((await renewalRows(rig, card.cardId)).at(-1)!.status).toBe('authenticated');
    expect((await auditRows(rig.db)).at(-1)).toMatchObject({ action: 'card.renewal-card-proved', subject: card.cardUuid });
  });

  it('rule: another card answering is refused (403) and the renewal stays unproved', async () => {
    const { card, renewalId } = await openedSelfRenewal();
    const other = await rig.makeCard((await rig.person({ orgId })).uuid);
    // The other card's witness decrypts to nonsense here (the card would stop); its answer decides.
    const witness = await rig.call('POST', `/v1/renewals/${renewalId}/card-witness`, { workstationId: WS, witness: cardEncrypt(other, randomBytes(16)).toString('base64') });
    const cardResponse = cardEncrypt(other, Buffer.from(witness.body.challenge, 'base64')).toString('base64');
    const res = await rig.call('POST', `/v1/renewals/${renewalId}/authenticate`, { workstationId: WS, exchangeId: witness.body.exchangeId, cardResponse });
    expect(res.status).toBe(403);
    expect((await renewalRows(rig, card.cardId)).at(-1)!.status).toBe('opened');
    expect(JSON.parse((await auditRows(rig.db)).at(-1)!.details)).toMatchObject({ step: 'authenticate', reason: 'card-proof-failed' });
  });

  it('rule: one witness at a time (429), a few per renewal (409), and authenticate takes only its own exchange (403)', async () => {
    const { card, renewalId } = await openedSelfRenewal();
    const witness = () => rig.call('POST', `/v1/renewals/${renewalId}/card-witness`, { workstationId: WS, witness: cardEncrypt(card, randomBytes(16)).toString('base64') });
    const first = await witness();
    expect(first.status).toBe(200);
    const busy = await witness();
    expect(busy.status).toBe(429);
    expect(busy.body.message).toMatch(/already being checked/);
    // An exchange opened for another renewal of another card is not this renewal's.
    const other = await openedSelfRenewal();
    const foreign = await rig.call('POST', `/v1/renewals/${other.renewalId}/card-witness`, { workstationId: WS, witness: cardEncrypt(other.card, randomBytes(16)).toString('base64') });
    const answer = (exchange: { body: { exchangeId: string; challenge: string } }, c: MadeCard) => ({
      workstationId: WS,
      exchangeId: exchange.body.exchangeId,
      cardResponse: cardEncrypt(c, Buffer.from(exchange.body.challenge, 'base64')).toString('base64'),
    });
    const borrowed = await rig.call('POST', `/v1/renewals/${renewalId}/authenticate`, answer(foreign, other.card));
    expect(borrowed.status).toBe(403);
    expect(JSON.parse((await auditRows(rig.db)).at(-1)!.details)).toMatchObject({ reason: 'exchange-not-this-renewal' });
    // Its own exchange works once, then is spent.
    expect((await rig.call('POST', `/v1/renewals/${renewalId}/authenticate`, answer(first, card))).status).toBe(200);
    expect((await rig.call('POST', `/v1/renewals/${renewalId}/authenticate`, answer(first, card))).status).toBe(403);
    for (let i = 2; i <= 5; i++) expect((await proveCard(rig, renewalId, card)).status).toBe(200);
    const sixth = await proveCard(rig, renewalId, card);
    expect(sixth.status).toBe(409);
    expect(sixth.body.message).toMatch(/as many times as one renewal allows/);
  });

  it('rule: an unknown renewal id, or one opened on another workstation, is 404 at every step', async () => {
    const { card, renewalId } = await openedSelfRenewal();
    expect((await proveCard(rig, renewalId, card, OTHER_WS)).status).toBe(404);
    expect((await proveCard(rig, 'A'.repeat(43), card)).status).toBe(404);
    expect((await requestCertificate(rig, renewalId, proofFor(card, newCardKey()), OTHER_WS)).status).toBe(404);
    const res = await confirm(rig, renewalId, OTHER_WS);
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('That renewal was not found on this workstation. Start again.');
  });

  it('rule: a renewal lasts 10 minutes', async () => {
    const { card, renewalId } = await openedSelfRenewal();
    rig.advance(10 * 60_000 + 100);
    const res = await proveCard(rig, renewalId, card);
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('That renewal has expired. Start again.');
  });

  it("rule: a sponsor renewal needs the sponsor's session at every card step (401), and is not voided by its end", async () => {
    const sponsor = await rig.sponsor(orgId, ['S']);
    const holder = await rig.person({ orgId });
    const card = await rig.makeCard(holder.uuid, { notAfter: expiringIn(rig.now(), 20) });
    const opened = await requestSponsorRenewal(rig, sponsor.token, card);
    expect((await proveCard(rig, opened.body.renewalId, card)).status).toBe(200);
    await endSession(rig.db, sponsor.sessionId, 'logout', rig.now().getTime());
    const res = await requestCertificate(rig, opened.body.renewalId, proofFor(card, newCardKey()));
    expect(res.status).toBe(401);
    expect(res.body.message).toMatch(/Your session has ended, so this renewal cannot go on/);
    expect((await renewalRows(rig, card.cardId)).at(-1)!.status).toBe('authenticated');
  });
});

describe('the certificate request', () => {
  it.each(['p256', 'rsa2048'] as const)('rule: a %s card gets a certificate for its new key, subject from the directory, three years, not yet live', async (algorithm) => {
    const { holder, card, renewalId } = await openedSelfRenewal(algorithm);
    expect((await proveCard(rig, renewalId, card)).status).toBe(200);
    const key = newCardKey(algorithm);
    const res = await requestCertificate(rig, renewalId, proofFor(card, key, 'Mallory Someone-Else'));
    expect(res.status, res.text).toBe(200);
    const answer = RenewalCertificateResponse.parse(res.body);
    const x509 = new X509Certificate(Buffer.from(answer.certificate, 'base64'));
    expect(x509.checkIssued(rig.service.ctx.ca.issuing) && x509.verify(rig.service.ctx.ca.issuingPublicKey)).toBe(true);
    expect(x509.publicKey.export({ type: 'spki', format: 'der' }).equals(key.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
    expect(x509.subject).toContain(`UID=${holder.uuid}`);
    expect(x509.subject).toMatch(/CN=Rowan Holder\d+/);
    expect(x509.subject).not.toContain('Mallory');
    const years = (new Date(x509.validTo).getTime() - rig.now().getTime()) / (365.25 * DAY);
    expect(years).toBeGreaterThan(2.99);
    expect(years).toBeLessThan(3.01);
    expect(answer.notAfter).toBe(new Date(x509.validTo).toISOString());
    // Kept in the renewal; the directory still lists only the old certificate, live.
    expect((await renewalRows(rig, card.cardId)).at(-1)).toMatchObject({ status: 'issued', issued_serial: x509.serialNumber.toLowerCase() });
    expect(await certificateRows(rig, card.cardId)).toEqual([{ serial: card.certificate.serial, revoked_at: null, revocation_reason: null }]);
    const entry = (await auditRows(rig.db)).at(-1)!;
    expect(entry).toMatchObject({ action: 'card.certificate-issued', actor: holder.uuid, subject: card.cardUuid, workstation_id: WS });
    expect(JSON.parse(entry.details)).toMatchObject({ kind: 'self', serial: x509.serialNumber.toLowerCase(), oldSerial: card.certificate.serial });
  });

  it('rule: a request before the card has proved itself is refused (409)', async () => {
    const { card, renewalId } = await openedSelfRenewal();
    const res = await requestCertificate(rig, renewalId, proofFor(card, newCardKey()));
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('The smartcard has not proved itself for this renewal yet.');
  });

  describe('a request that is not a good PKCS#10 is 400 and nothing is issued', () => {
    const good = (): Buffer => csrFor(newCardKey());
    const cases: [string, () => Buffer][] = [
      ['random bytes', () => Buffer.from('30820102deadbeef'.repeat(8), 'hex')],
      ['not DER at all', () => Buffer.from('-----BEGIN CERTIFICATE REQUEST-----', 'ascii')],
      ['truncated', () => good().subarray(0, -12)],
      ['a flipped signature byte', () => {
        const der = good();
        der.writeUInt8(der.readUInt8(der.length - 3) ^ 0x01, der.length - 3);
        return der;
      }],
      ['a flipped key byte', () => {
        const der = good();
        der.writeUInt8(der.readUInt8(70) ^ 0x01, 70);
        return der;
      }],
      ['signed by another key than the one it names', () => {
        const claimed = newCardKey();
        const info = certificationRequestInfo({ spki: claimed.publicKey.export({ type: 'spki', format: 'der' }), commonName: 'Rowan' });
        return assembleCertificationRequest(info, 'p256', sign('sha256', info, newCardKey().privateKey));
      }],
    ];
    it.each(cases)('rule: %s', async (_name, make) => {
      const { card, renewalId } = await openedSelfRenewal();
      expect((await proveCard(rig, renewalId, card)).status).toBe(200);
      const res = await requestCertificate(rig, renewalId, { csr: make(), attestation: null });
      expect(res.status, res.text).toBe(400);
      expect(res.body.code).toBe('bad-request');
      expect(res.body.message).toMatch(/^The certificate request is not valid: /);
      expect((await renewalRows(rig, card.cardId)).at(-1)).toMatchObject({ status: 'authenticated', issued_serial: null });
      expect(JSON.parse((await auditRows(rig.db)).at(-1)!.details)).toMatchObject({ step: 'certificate', reason: 'csr-invalid' });
    });
  });

  it("rule: a key of another type than the card's is refused (409)", async () => {
    const { card, renewalId } = await openedSelfRenewal('p256');
    expect((await proveCard(rig, renewalId, card)).status).toBe(200);
    const rsa = newCardKey('rsa2048');
    const res = await requestCertificate(rig, renewalId, { csr: csrFor(rsa, 'rsa2048'), attestation: attestationFor(card, rsa.publicKey) });
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('The certificate request is for an RSA-2048 key, but this smartcard uses a P-256 key. Start the renewal again.');
    expect(await issuedSerial(card)).toBeNull();
  });

  it('rule: the key the card already had is refused (409): a renewal needs a new key', async () => {
    const { card, renewalId } = await openedSelfRenewal();
    expect((await proveCard(rig, renewalId, card)).status).toBe(200);
    const oldKey = { publicKey: new X509Certificate(card.certificate.der).publicKey, privateKey: card.privateKey };
    const res = await requestCertificate(rig, renewalId, proofFor(card, oldKey));
    expect(res.status).toBe(409);
    expect(res.body.message).toMatch(/the key the smartcard already has; a renewal needs a new key/);
    expect(await issuedSerial(card)).toBeNull();
  });

  it('rule: asked again with the same key, the same certificate; with a new key, a new one replaces it', async () => {
    const { card, renewalId } = await openedSelfRenewal();
    const { key, issued } = await throughIssue(rig, renewalId, card);
    const again = await requestCertificate(rig, renewalId, proofFor(card, key));
    expect(again.body).toEqual(issued.body);
    const first = await issuedSerial(card);
    // The card generated again (an attempt cut short): it proves itself again, then asks anew.
    const proved = await proveCard(rig, renewalId, card);
    expect(proved.body.issuedCertificate).toBe(issued.body.certificate);
    const replaced = await requestCertificate(rig, renewalId, proofFor(card, newCardKey()));
    expect(replaced.status).toBe(200);
    expect(replaced.body.certificate).not.toBe(issued.body.certificate);
    expect(await issuedSerial(card)).not.toBe(first);
    expect(JSON.parse((await auditRows(rig.db)).at(-1)!.details)).toMatchObject({ replacesSerial: first });
    expect((await auditRows(rig.db)).filter((r) => r.action === 'card.certificate-issued' && r.subject === card.cardUuid)).toHaveLength(2);
  });

  it('rule: confirming before a certificate is issued is refused (409)', async () => {
    const { card, renewalId } = await openedSelfRenewal();
    expect((await proveCard(rig, renewalId, card)).status).toBe(200);
    const res = await confirm(rig, renewalId);
    expect(res.status).toBe(409);
    expect(res.body.message).toBe('No certificate has been issued in this renewal yet.');
  });
});
