import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, tableCounts, type Harness } from '../cim/cim-harness.js';
import { newCardKey } from '../support/renewal-rig.js';
import { attest, blankCard, issueUntil, loginWith, openIssue, operationRows, orphanRows, people, readout, requestCertificate, step } from './issue-support.js';

// The certificate step of an issue (src-service/cards/issue-certificate.ts): a certificate for
// the card's new key only, attested by the card when the card has an attestation key, kept in
// the operation and not live until the issue is confirmed.

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => h.close());

const NOT_REGISTERED = 'This smartcard is not registered with the identity service. Contact your Registration Authority.';
const serialOf = (der: Buffer): string => new X509Certificate(der).serialNumber.toLowerCase();

async function opened(o: { attested?: boolean } = {}) {
  const p = await people(h);
  const card = blankCard(o);
  const res = await openIssue(h, p.ra.token, p.holder.uuid, readout(card));
  expect(res.status).toBe(201);
  return { p, card, operationId: res.body.operationId as string, cardUuid: res.body.cardUuid as string };
}

describe('the certificate for the card’s new key', () => {
  it("rule: the certificate names the holder from the directory, for the card's key, and is kept in the operation (status issued)", async () => {
    const { p, card, operationId, cardUuid } = await opened();
    const key = newCardKey('p256');
    const res = await requestCertificate(h, p.ra.token, operationId, key, attest(card, key.publicKey));
    expect(res.status).toBe(200);
    const cert = new X509Certificate(Buffer.from(res.body.certificate, 'base64'));
    expect(cert.subject).toContain('CN=Nia Holder');
    expect(cert.subject).toContain(`UID=${p.holder.uuid}`);
    expect(cert.publicKey.export({ type: 'spki', format: 'der' })).toEqual(key.publicKey.export({ type: 'spki', format: 'der' }));
    expect(await operationRows(h, cardUuid)).toEqual([expect.objectContaining({ status: 'issued', issued_serial: serialOf(Buffer.from(cert.raw)) })]);
  });

  it('rule: a card that had an attestation key must attest the new key: none, another card’s, or one for another key is refused and nothing is issued', async () => {
    const { p, card, operationId, cardUuid } = await opened();
    const key = newCardKey('p256');
    const before = await tableCounts(h.db);
    const none = await requestCertificate(h, p.ra.token, operationId, key, null);
    expect(none.status).toBe(400);
    expect(none.body.message).toBe('The smartcard did not show that it made the new key (no attestation came with the request), so no certificate was issued. Issue the smartcard again.');
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const otherCard = await requestCertificate(h, p.ra.token, operationId, key, attest(card, key.publicKey, { signingKey: stranger }));
    expect(otherCard.status).toBe(409);
    expect(otherCard.body.message).toMatch(/^The attestation of the new key was not made by this smartcard/);
    const otherKey = await requestCertificate(h, p.ra.token, operationId, key, attest(card, newCardKey('p256').publicKey));
    expect(otherKey.status).toBe(409);
    expect(otherKey.body.message).toMatch(/^The smartcard's attestation is for another key/);
    const otherSerial = await requestCertificate(h, p.ra.token, operationId, key, attest(card, key.publicKey, { serial: card.serial + 1 }));
    expect(otherSerial.status).toBe(409);
    // Refusals are audited; nothing else was written.
    const after = await tableCounts(h.db);
    expect({ ...after, audit_log: 0 }).toEqual({ ...before, audit_log: 0 });
    expect(await operationRows(h, cardUuid)).toEqual([expect.objectContaining({ status: 'opened', issued_serial: null })]);
  });

  it('rule: a card without an attestation key gets its certificate without an attestation', async () => {
    const { p, operationId } = await opened({ attested: false });
    expect((await requestCertificate(h, p.ra.token, operationId, newCardKey('p256'), null)).status).toBe(200);
  });

  it("rule: a key of another algorithm than the issue's is refused in words", async () => {
    const { p, card, operationId } = await opened();
    const key = newCardKey('p256');
    const res = await h.call('POST', `/v1/users/${p.holder.uuid}/smartcards`, { token: p.ra.token, json: { workstationId: 'test-ws', algorithm: 'rsa2048', card: readout(blankCard()) } });
    expect(res.status).toBe(201);
    const wrong = await requestCertificate(h, p.ra.token, res.body.operationId, key, null);
    expect(wrong.status).toBe(409);
    expect(wrong.body.message).toBe('The certificate request is for a P-256 key, but this smartcard is being issued with an RSA-2048 key. Issue the smartcard again.');
    expect((await requestCertificate(h, p.ra.token, operationId, key, attest(card, key.publicKey))).status).toBe(200);
  });

  it('rule: asked again with the same key, the same certificate; with another key, a new one and the earlier one is a revoked orphan', async () => {
    const { p, card, operationId } = await opened();
    const key = newCardKey('p256');
    const first = await requestCertificate(h, p.ra.token, operationId, key, attest(card, key.publicKey));
    const again = await requestCertificate(h, p.ra.token, operationId, key, attest(card, key.publicKey));
    expect(again.body.certificate).toBe(first.body.certificate);
    const key2 = newCardKey('p256');
    const second = await requestCertificate(h, p.ra.token, operationId, key2, attest(card, key2.publicKey));
    expect(second.status).toBe(200);
    expect(second.body.certificate).not.toBe(first.body.certificate);
    const firstSerial = serialOf(Buffer.from(first.body.certificate, 'base64'));
    expect((await orphanRows(h)).find((o) => o.serial === firstSerial)).toMatchObject({ revocation_reason: 'cessationOfOperation' });
  });

  it('rule: a certificate is not live before the issue is confirmed: a login with it is refused', async () => {
    const p = await people(h);
    const card = blankCard();
    const issued = await issueUntil(h, p, card, 'authenticate');
    const login = await loginWith(h, issued.certificate!, issued.key!.privateKey);
    expect({ status: login.status, message: login.body.message }).toEqual({ status: 401, message: NOT_REGISTERED });
    expect(await h.db.selectFrom('certificates').select('serial').where('serial', '=', serialOf(issued.certificate!)).execute()).toEqual([]);
    // Confirmed, the same certificate signs in.
    expect((await step(h, p.ra.token, issued.operationId, 'confirm')).status).toBe(200);
    expect((await loginWith(h, issued.certificate!, issued.key!.privateKey)).status).toBe(200);
  });

  it('rule: the certificate step comes before personalise only: after it, asking again is refused', async () => {
    const p = await people(h);
    const card = blankCard();
    const issued = await issueUntil(h, p, card, 'personalise');
    const key = newCardKey('p256');
    const res = await requestCertificate(h, p.ra.token, issued.operationId, key, attest(card, key.publicKey));
    expect(res.status).toBe(409);
  });
});
