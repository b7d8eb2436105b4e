import { createPublicKey } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { issueAuthenticationCertificate } from '../../../../src-service/ca/authentication-certificate.js';
import { loadOrCreateCertificateAuthority } from '../../../../src-service/ca/certificate-authority.js';
import { makeCard, type MadeCard } from '../../../../src-service/ca/card-factory.js';
import { revokeCard } from '../../../../src-service/auth/card-revocation.js';
import { closeProfile } from '../../../../src-service/auth/login-profile-closure.js';
import { CHALLENGE_TTL_MS } from '../../../../src-service/auth/login-challenge.js';
import { openDatabase } from '../../../../src-service/store/database.js';
import { tempDbFile, testEngine } from '../../../support/service-fixtures.js';
import { answeredChallenge, auditRows, call, holder, startServiceRig, type Holder, type Reply, type ServiceRig, type VerifyBody } from '../support/card-login-rig.js';

// Every check of POST /v1/login/verify, each refused with its own status and message, and
// every refusal audited. The card side is always real (PivSession over the in-process reader).

const NOW = new Date('2027-03-10T10:00:00.000Z');
let rig: ServiceRig;
let h: Holder;
let rsa: MadeCard;
let p256: MadeCard;

beforeAll(async () => {
  rig = await startServiceRig({ now: NOW });
  h = await holder(rig.db);
  rsa = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'rsa2048' });
  p256 = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
});
afterAll(async () => rig.close());

const verify = (body: VerifyBody | Record<string, unknown>): Promise<Reply> => call(rig.service, 'POST', '/v1/login/verify', body);

function expectRefused(reply: Reply, status: 401 | 403, message: RegExp): void {
  expect(reply.status).toBe(status);
  expect(reply.body.code).toBe(status === 401 ? 'login-failed' : 'forbidden');
  expect(reply.body.message).toMatch(message);
  expect(Object.keys(reply.body).sort()).toEqual(['code', 'message']);
}

/** Counted refusals (those that prove nothing: no card signed) per kind, as the test began. */
let talliedBefore = new Map<string, number>();
const tallies = async (): Promise<Map<string, number>> =>
  new Map(
    (await rig.db.selectFrom('refusal_tallies').select((eb) => ['kind', eb.fn.sum<number>('count').as('n')]).groupBy('kind').execute()).map((r) => [r.kind, Number(r.n)]),
  );
beforeEach(async () => {
  talliedBefore = await tallies();
});

/** The newest refusal: a counted one of this test (no actor or card: nothing proved them), else the audit log's last entry. */
async function lastFailure(): Promise<{ reason: string; actor: string | null; subject: string | null }> {
  const counted = [...(await tallies())].filter(([kind, n]) => kind.startsWith('login.failed:') && n > (talliedBefore.get(kind) ?? 0));
  if (counted.length > 0) {
    talliedBefore = await tallies();
    return { reason: (counted.at(-1) as [string, number])[0].slice('login.failed:'.length), actor: null, subject: null };
  }
  const row = (await auditRows(rig.db)).at(-1);
  expect(row?.action).toBe('login.failed');
  return { reason: JSON.parse(row?.details ?? '{}').reason, actor: row?.actor ?? null, subject: row?.subject ?? null };
}

describe('the challenge: known, unexpired, unused, same workstation', () => {
  it('a reused nonce is refused: a challenge signs in once', async () => {
    rig.setNow(NOW);
    const body = await answeredChallenge(rig.service, p256.state);
    expect((await verify(body)).status).toBe(200);
    expectRefused(await verify(body), 401, /already been used/);
    expect((await lastFailure()).reason).toBe('nonce-used');
  });

  it('a nonce the service never issued is refused', async () => {
    const body = await answeredChallenge(rig.service, p256.state);
    expectRefused(await verify({ ...body, nonce: Buffer.alloc(32, 7).toString('base64url') }), 401, /not recognised/);
    expect((await lastFailure()).reason).toBe('nonce-unknown');
  });

  it('a challenge expires 60 seconds after it was issued (59.999 s is still in time)', async () => {
    rig.setNow(NOW);
    const inTime = await answeredChallenge(rig.service, p256.state);
    const late = await answeredChallenge(rig.service, p256.state);
    rig.setNow(new Date(NOW.getTime() + CHALLENGE_TTL_MS - 1));
    expect((await verify(inTime)).status).toBe(200);
    rig.setNow(new Date(NOW.getTime() + CHALLENGE_TTL_MS));
    expectRefused(await verify(late), 401, /expired/);
    expect((await lastFailure()).reason).toBe('nonce-expired');
    rig.setNow(NOW);
  });

  it('an expired challenge is reported as expired for two minutes, then swept and no longer known', async () => {
    rig.setNow(NOW);
    const stale = await answeredChallenge(rig.service, p256.state);
    rig.setNow(new Date(NOW.getTime() + CHALLENGE_TTL_MS + 119_000));
    await answeredChallenge(rig.service, p256.state); // a new challenge runs the sweep
    const row = await rig.db.selectFrom('login_challenges').select('used').where('nonce', '=', stale.nonce).executeTakeFirst();
    expect(row).toEqual({ used: 0 });
    rig.setNow(new Date(NOW.getTime() + CHALLENGE_TTL_MS + 126_000));
    await answeredChallenge(rig.service, p256.state);
    expect(await rig.db.selectFrom('login_challenges').select('nonce').where('nonce', '=', stale.nonce).execute()).toEqual([]);
    expectRefused(await verify(stale), 401, /not recognised/);
    rig.setNow(NOW);
  });

  it('a challenge issued to another workstation is refused, even with a signature naming this one', async () => {
    const body = await answeredChallenge(rig.service, p256.state, { workstationId: 'ws-ward-7', tamper: { workstationId: 'ws-theatre-2' } });
    expectRefused(await verify({ ...body, workstationId: 'ws-theatre-2' }), 401, /different workstation/);
    expect((await lastFailure()).reason).toBe('nonce-other-workstation');
  });

  it('a challenge is spent even when a later check fails: a bad answer leaves no second try', async () => {
    const body = await answeredChallenge(rig.service, p256.state);
    const good = body.signature;
    expectRefused(await verify({ ...body, signature: Buffer.alloc(70, 1).toString('base64') }), 401, /signature could not be verified/);
    expectRefused(await verify({ ...body, signature: good }), 401, /already been used/);
  });
});

describe('the certificate: readable, issued by this service, known to the directory, in date', () => {
  it('an unreadable certificate is refused', async () => {
    const body = await answeredChallenge(rig.service, p256.state);
    expectRefused(await verify({ ...body, certificate: Buffer.from('not a certificate').toString('base64') }), 401, /could not be read/);
    expect((await lastFailure()).reason).toBe('certificate-unreadable');
  });

  it('a certificate from a foreign CA is refused, even for the same key, name and user UUID', async () => {
    const foreignDb = tempDbFile('cis-foreign-ca-');
    const db = await openDatabase(foreignDb);
    try {
      const foreign = await loadOrCreateCertificateAuthority(db, { passphrase: 'another service passphrase', now: () => NOW });
      const twin = issueAuthenticationCertificate(foreign, {
        givenName: 'Amara',
        familyName: 'Okafor',
        userUuid: h.userUuid,
        publicKey: createPublicKey(p256.privateKey),
        now: NOW,
      });
      const body = await answeredChallenge(rig.service, p256.state);
      expectRefused(await verify({ ...body, certificate: twin.der.toString('base64') }), 401, /not issued by this identity service/);
      expect((await lastFailure()).reason).toBe('certificate-foreign');
    } finally {
      await db.destroy();
      if (testEngine() === 'sqlite') rmSync(dirname(foreignDb), { recursive: true, force: true });
    }
  });

  it("the issuing CA's own certificate is not accepted as a card certificate", async () => {
    const body = await answeredChallenge(rig.service, p256.state);
    expectRefused(await verify({ ...body, certificate: rig.service.ctx.ca.issuing.raw.toString('base64') }), 401, /not issued by this identity service/);
  });

  it('a certificate our CA issued but the directory does not hold is refused', async () => {
    const card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
    await rig.db.deleteFrom('certificates').where('serial', '=', card.certificate.serial).execute();
    const body = await answeredChallenge(rig.service, card.state);
    expectRefused(await verify(body), 401, /not registered/);
    expect((await lastFailure()).reason).toBe('certificate-unknown');
  });

  it('an expired certificate is refused with a 403 that says to renew in person', async () => {
    rig.setNow(NOW);
    const card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256', validDays: 30 });
    rig.setNow(new Date(card.certificate.notAfter.getTime() + 1000));
    const body = await answeredChallenge(rig.service, card.state);
    expectRefused(await verify(body), 403, /expired.*renew it in person/);
    expect(await lastFailure()).toEqual({ reason: 'certificate-expired', actor: h.userUuid, subject: card.cardUuid });
    rig.setNow(NOW);
  });

  it('a certificate that is not valid yet is refused', async () => {
    rig.setNow(new Date(NOW.getTime() - 3_600_000));
    const body = await answeredChallenge(rig.service, p256.state);
    expectRefused(await verify(body), 403, /not valid yet/);
    expect((await lastFailure()).reason).toBe('certificate-not-yet-valid');
    rig.setNow(NOW);
  });
});

describe('the signature and algorithm', () => {
  it.each([
    ['another service origin', { serviceOrigin: 'https://elsewhere.example' }],
    ['another workstation', { workstationId: 'ws-other' }],
    ['another nonce', { nonce: Buffer.alloc(32, 9).toString('base64url') }],
  ])('a signature over a different payload (%s) is refused', async (_what, tamper) => {
    const body = await answeredChallenge(rig.service, rsa.state, { tamper });
    expectRefused(await verify(body), 401, /signature could not be verified/);
    expect((await lastFailure()).reason).toBe('signature-invalid');
  });

  it('a signature by another card of the same holder is refused', async () => {
    const body = await answeredChallenge(rig.service, p256.state);
    const other = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
    const otherBody = await answeredChallenge(rig.service, other.state);
    expectRefused(await verify({ ...body, signature: otherBody.signature }), 401, /signature could not be verified/);
  });

  it.each([
    ['an RSA card claiming p256', () => rsa, 'p256'],
    ['a P-256 card claiming rsa2048', () => p256, 'rsa2048'],
  ])('the algorithm field must match the key: %s is refused', async (_what, card, claimed) => {
    const body = await answeredChallenge(rig.service, card().state);
    expectRefused(await verify({ ...body, algorithm: claimed }), 401, /algorithm/);
    expect((await lastFailure()).reason).toBe('algorithm-mismatch');
  });

  it('malformed base64 and unknown fields are refused 400 with the fields named, and spend nothing', async () => {
    const body = await answeredChallenge(rig.service, p256.state);
    const bad = await verify({ ...body, certificate: '%%% not base64 %%%', signature: 'also*not*base64', extra: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('bad-request');
    const paths = bad.body.fields.map((f: { path: string }) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['body.certificate', 'body.signature']));
    const badNonce = await verify({ ...body, nonce: 'not+base64url/' });
    expect(badNonce.status).toBe(400);
    expect(badNonce.body.fields.map((f: { path: string }) => f.path)).toEqual(['body.nonce']);
    // The challenge was never looked at, so the real answer still signs in.
    expect((await verify(body)).status).toBe(200);
  });
});

describe('the card and its holder: certificate not revoked, card active, profile open', () => {
  it('a revoked card is refused 403', async () => {
    const card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
    await revokeCard(rig.service.ctx, { cardUuid: card.cardUuid, reason: 'lost', actor: 'system' });
    const body = await answeredChallenge(rig.service, card.state);
    expectRefused(await verify(body), 403, /revoked/);
    expect(await lastFailure()).toEqual({ reason: 'certificate-revoked', actor: h.userUuid, subject: card.cardUuid });
  });

  it.each([
    ['locked', /locked/, 'card-locked'],
    ['cancelled', /cancelled/, 'card-cancelled'],
    ['revoked', /revoked/, 'card-revoked'],
  ])('a card whose directory status is %s is refused 403', async (status, message, reason) => {
    const card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
    await rig.db.updateTable('cards').set({ status: status as 'locked' | 'cancelled' | 'revoked' }).where('uuid', '=', card.cardUuid).execute();
    const body = await answeredChallenge(rig.service, card.state);
    expectRefused(await verify(body), 403, message);
    expect((await lastFailure()).reason).toBe(reason);
  });

  it('a closed profile is refused 403', async () => {
    const other = await holder(rig.db, { given: 'Cai', family: 'Lund' });
    const card = await makeCard(rig.service.ctx, { userUuid: other.userUuid, algorithm: 'p256' });
    await closeProfile(rig.service.ctx, { userUuid: other.userUuid, actor: 'system' });
    const body = await answeredChallenge(rig.service, card.state);
    expectRefused(await verify(body), 403, /profile is closed/);
    expect(await lastFailure()).toEqual({ reason: 'profile-closed', actor: other.userUuid, subject: card.cardUuid });
  });

  it('card and profile status are only revealed after the signature verifies: a revoked card with a bad signature gets the 401', async () => {
    const card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
    await revokeCard(rig.service.ctx, { cardUuid: card.cardUuid, reason: 'lost', actor: 'system' });
    const body = await answeredChallenge(rig.service, card.state, { tamper: { serviceOrigin: 'https://elsewhere.example' } });
    expectRefused(await verify(body), 401, /signature could not be verified/);
  });
});
