import { createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { loginSignedPayload } from '../../../../src-shared/api/service-login.js';
import { renewalKeyAuthorisation } from '../../../../src-shared/api/service-renewal.js';
import { attestationCertificate } from '../../../../src-shared/card/piv-attestation.js';
import type { AsymmetricAlgorithm } from '../../../../src-shared/card/virtual-card-state.js';
import { assembleCertificationRequest, certificationRequestInfo } from '../../../../src-shared/crypto/pkcs10.js';
import { makeCard, type MadeCard } from '../../../../src-service/ca/card-factory.js';
import { openSession } from '../../../../src-service/auth/session-store.js';
import { TEST_KEY } from '../../../support/service-fixtures.js';
import { cardEncrypt, certificateOf, startUnlockRig, WS, type Person, type Reply, type RigOfFile, type UnlockRig } from './unlock-rig.js';

// What the renewal tests share, on top of the unlock rig (a real service on a fresh database,
// people, made cards, sponsor sessions, the card's side of the management-key proof): a clock
// that can be set to an exact moment, the card's new key, the PKCS#10 request it signs and the
// card's attestation of it, the card steps as the agent relays them, and a login signed with any
// key and certificate.
// (Not a test file: vitest only collects *.test.ts.)

export const DAY = 86_400_000;
const HOUR = 3_600_000;

export interface RenewalRig extends UnlockRig {
  /** Sets the service clock to `at` (it keeps running from there). */
  setClock(at: Date): void;
  /** A card of `algorithm` (default P-256) for `userUuid`, issued at the current clock. */
  makeCard(userUuid: string, options?: { notAfter?: Date; algorithm?: AsymmetricAlgorithm }): Promise<MadeCard>;
  /** A session for `person` opened with `card` at `workstationId`, as a login would open it. */
  signIn(person: Person, card: MadeCard, workstationId?: string): Promise<{ token: string; sessionId: number }>;
}

export async function startRenewalRig(): Promise<RenewalRig> {
  const rig = await startUnlockRig();
  return {
    ...rig,
    setClock: (at) => rig.advance(at.getTime() - rig.now().getTime()),
    makeCard: (userUuid, o = {}) => makeCard(rig.service.ctx, { userUuid, algorithm: o.algorithm ?? 'p256', ...(o.notAfter ? { notAfter: o.notAfter } : {}) }),
    signIn: (person, card, workstationId = WS) =>
      openSession(rig.db, { userId: person.userId, cardId: card.cardId, positionId: person.positionId, workstationId, keyThumbprint: TEST_KEY.thumbprint, ttlMs: HOUR, now: rig.now().getTime() }),
  };
}

/**
 * Starts a rig with one organisation before the file's tests (`ready` gets both), sets its clock
 * to `morning()` before each test, and closes it after them.
 */
export function renewalRigPerFile(ready: (file: RigOfFile<RenewalRig>) => void): void {
  let rig: RenewalRig | undefined;
  beforeAll(async () => {
    rig = await startRenewalRig();
    ready({ rig, orgId: (await rig.org()).id });
  });
  afterAll(async () => rig?.close());
  beforeEach(() => rig?.setClock(morning()));
}

/** 09:00 UTC tomorrow: a moment whose UTC day is unambiguous, near the real date (the CA's life). */
export function morning(): Date {
  return new Date(Math.floor(Date.now() / DAY) * DAY + DAY + 9 * HOUR);
}

/** A certificate end `days` whole UTC days after `at`'s day (at 21:00, so 0 is later the same day). */
export const expiringIn = (at: Date, days: number): Date => new Date(at.getTime() + days * DAY + 12 * HOUR);

/** A person in `orgId` and their card, whose certificate ends `days` UTC days after the rig's clock. */
export async function holderWithCard(
  rig: RenewalRig,
  o: { orgId: number; days: number; given?: string; algorithm?: AsymmetricAlgorithm },
): Promise<{ holder: Person; card: MadeCard }> {
  const holder = await rig.person({ orgId: o.orgId, ...(o.given !== undefined ? { given: o.given } : {}) });
  const card = await rig.makeCard(holder.uuid, { notAfter: expiringIn(rig.now(), o.days), ...(o.algorithm ? { algorithm: o.algorithm } : {}) });
  return { holder, card };
}

/** The holder, signed in with `card`, asks to renew it: the answer as it comes. */
export const requestSelfRenewal = async (rig: RenewalRig, holder: Person, card: MadeCard): Promise<Reply> =>
  rig.call('POST', '/v1/renewals', {}, { token: (await rig.signIn(holder, card)).token });

/** A renewal the holder opened of their own card. */
export interface SelfRenewal {
  readonly holder: Person;
  readonly card: MadeCard;
  readonly renewalId: string;
}

/** The holder opens a renewal of their own card: its id (a refusal throws). */
export async function openSelfRenewal(rig: RenewalRig, holder: Person, card: MadeCard): Promise<string> {
  const res = await requestSelfRenewal(rig, holder, card);
  if (res.status !== 200) throw new Error(`the renewal was not opened (${res.status}): ${res.text}`);
  return res.body.renewalId;
}

/** A sponsor (session `token`) asks to renew `card`, in their second reader: the answer as it comes. */
export const requestSponsorRenewal = (rig: UnlockRig, token: string, card: MadeCard): Promise<Reply> =>
  rig.call('POST', '/v1/card-service/renew', { cardUuid: card.cardUuid, certificate: certificateOf(card) }, { token });

export interface KeyPair {
  readonly publicKey: KeyObject;
  readonly privateKey: KeyObject;
}

/** A new key as the card makes it on GENERATE ASYMMETRIC KEY PAIR. */
export const newCardKey = (algorithm: AsymmetricAlgorithm = 'p256'): KeyPair =>
  algorithm === 'rsa2048' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** The PKCS#10 request the agent builds and the card signs with `key` (DER). */
export function csrFor(key: KeyPair, algorithm: AsymmetricAlgorithm = 'p256', commonName = 'Whoever Asked'): Buffer {
  const info = certificationRequestInfo({ spki: key.publicKey.export({ type: 'spki', format: 'der' }), commonName });
  return assembleCertificationRequest(info, algorithm, sign('sha256', info, key.privateKey));
}

/**
 * The card's attestation of `publicKey` (Yubico INS F9), made with the made card's attestation
 * key as the virtual card makes it; `o` makes one that is wrong in one way.
 */
export function attestationFor(card: MadeCard, publicKey: KeyObject, o: { slot?: number; serial?: number; signingKey?: KeyObject } = {}): Buffer {
  const attestation = card.state.attestation;
  if (!attestation) throw new Error('this card has no attestation key');
  return attestationCertificate({
    signingKey: o.signingKey ?? createPrivateKey({ key: Buffer.from(attestation.pkcs8, 'base64'), format: 'der', type: 'pkcs8' }),
    attestationCertificate: Buffer.from(attestation.certificate, 'base64'),
    slot: o.slot ?? 0x9a,
    publicKey,
    serial: o.serial ?? card.serial,
    version: card.state.version,
    policy: [0x02, 0x01],
  });
}

/**
 * What the agent sends for a new key: the request the card signed with it, its attestation, and
 * (a card without attestation) the old 9A key's signature over the renewal.
 */
export interface KeyProof {
  readonly csr: Buffer;
  readonly attestation: Buffer | null;
  readonly oldKeySignature?: Buffer | null;
}

/**
 * The signature a card without attestation makes with its old 9A key (the holder's passcode
 * verified) before GENERATE: over `renewalId` of `card`, by `signer` (default the card's old key).
 */
export function oldKeySignatureFor(card: MadeCard, renewalId: string, signer: KeyObject = card.privateKey): Buffer {
  return sign('sha256', Buffer.from(renewalKeyAuthorisation({ renewalId, cardUuid: card.cardUuid }), 'utf8'), { key: signer, dsaEncoding: 'der' });
}

/** The proof `card` gives for `key`, a key it made (of its own algorithm). */
export const proofFor = (card: MadeCard, key: KeyPair, commonName?: string): KeyProof => ({
  csr: csrFor(key, card.algorithm, commonName),
  attestation: attestationFor(card, key.publicKey),
});

/** Card witness then authenticate, as the agent relays them: the authenticate reply. */
export async function proveCard(rig: UnlockRig, renewalId: string, card: MadeCard, workstationId = WS): Promise<Reply> {
  const plain = randomBytes(16);
  const witness = await rig.call('POST', `/v1/renewals/${renewalId}/card-witness`, { workstationId, witness: cardEncrypt(card, plain).toString('base64') });
  if (witness.status !== 200) return witness;
  if (!Buffer.from(witness.body.witness, 'base64').equals(plain)) throw new Error('the service did not decrypt the witness');
  const cardResponse = cardEncrypt(card, Buffer.from(witness.body.challenge, 'base64')).toString('base64');
  return rig.call('POST', `/v1/renewals/${renewalId}/authenticate`, { workstationId, exchangeId: witness.body.exchangeId, cardResponse });
}

export const requestCertificate = (rig: UnlockRig, renewalId: string, proof: KeyProof, workstationId = WS): Promise<Reply> =>
  rig.call('POST', `/v1/renewals/${renewalId}/certificate`, {
    workstationId,
    csr: proof.csr.toString('base64'),
    attestation: proof.attestation === null ? null : proof.attestation.toString('base64'),
    ...(proof.oldKeySignature !== undefined ? { oldKeySignature: proof.oldKeySignature === null ? null : proof.oldKeySignature.toString('base64') } : {}),
  });

export const confirm = (rig: UnlockRig, renewalId: string, workstationId = WS): Promise<Reply> =>
  rig.call('POST', `/v1/renewals/${renewalId}/confirm`, { workstationId });

/** Proof, a new key, its certificate: what a renewal has done just before the card is written. */
export async function throughIssue(rig: UnlockRig, renewalId: string, card: MadeCard): Promise<{ key: KeyPair; issued: Reply }> {
  const proved = await proveCard(rig, renewalId, card);
  if (proved.status !== 200) throw new Error(`card proof refused: ${proved.text}`);
  const key = newCardKey(card.algorithm);
  const issued = await requestCertificate(rig, renewalId, proofFor(card, key));
  return { key, issued };
}

/** A card login (challenge, signature, verify) with `certificate` and the key `privateKey`. */
export async function loginWith(rig: UnlockRig, certificate: Buffer, privateKey: KeyObject, algorithm: AsymmetricAlgorithm, workstationId = WS): Promise<Reply> {
  const challenge = await rig.call('POST', '/v1/login/challenge', { workstationId });
  const payload = loginSignedPayload({ nonce: challenge.body.nonce, serviceOrigin: challenge.body.serviceOrigin, workstationId });
  const signature = sign('sha256', Buffer.from(payload, 'utf8'), { key: privateKey, dsaEncoding: 'der' });
  return rig.call('POST', '/v1/login/verify', {
    nonce: challenge.body.nonce,
    workstationId,
    algorithm,
    certificate: certificate.toString('base64'),
    signature: signature.toString('base64'),
  });
}

/** The card's renewal rows, oldest first. */
export function renewalRows(rig: UnlockRig, cardId: number): Promise<{ kind: string; status: string; issued_serial: string | null; old_serial: string | null; sponsor_user_id: number | null }[]> {
  return rig.db.selectFrom('card_renewals').select(['kind', 'status', 'issued_serial', 'old_serial', 'sponsor_user_id']).where('card_id', '=', cardId).orderBy('id').execute();
}

/** The card's certificates as the directory lists them. */
export function certificateRows(rig: UnlockRig, cardId: number): Promise<{ serial: string; revoked_at: string | null; revocation_reason: string | null }[]> {
  return rig.db.selectFrom('certificates').select(['serial', 'revoked_at', 'revocation_reason']).where('card_id', '=', cardId).orderBy('not_after').execute();
}
