import { createCipheriv, createPrivateKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import type { CardReadout } from '../../../../src-shared/api/cim-cards.js';
import { loginSignedPayload } from '../../../../src-shared/api/service-login.js';
import { attestationCertificate, newAttestationKey } from '../../../../src-shared/card/piv-attestation.js';
import type { AttestationKeyState } from '../../../../src-shared/card/virtual-card-state.js';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { actor, addUser } from '../../../support/service-fixtures.js';
import { csrFor, newCardKey, type KeyPair } from '../support/renewal-rig.js';
import { NOW, type Harness, type Orgs, type Reply } from '../cim/cim-harness.js';
import { uniqueNi } from '../cim/cim-harness.js';

// The card side of issuing a smartcard, done in software against the service's HTTP endpoints:
// a blank card (a serial, and an attestation key when it has one), its new 9A key, the PKCS#10
// request and attestation it would send, and the card's half of the management-key proof
// (AES-128 ECB with the key the service handed out). What the service sees is what an agent with
// a card in its second reader sends. (Not a test file: vitest only collects *.test.ts.)

export const WS = 'test-ws';

export interface BlankCard {
  readonly serial: number;
  readonly attestation: AttestationKeyState | null;
}

let serials = 0;
export function blankCard(o: { attested?: boolean } = {}): BlankCard {
  const serial = 20_000_000 + process.pid * 100 + ++serials;
  return { serial, attestation: o.attested === false ? null : newAttestationKey(`Test card attestation ${serial}`, NOW) };
}

export function readout(card: BlankCard, change: Partial<CardReadout> = {}): CardReadout {
  return {
    serial: card.serial,
    chuidUuid: null,
    certificateSerial: null,
    factoryManagementKey: true,
    hasAuthenticationKey: false,
    attestationCertificate: card.attestation?.certificate ?? null,
    version: '5.4.3',
    ...change,
  };
}

/** The card's attestation (INS F9) of its new 9A key. */
export function attest(card: BlankCard, publicKey: KeyObject, o: { serial?: number; signingKey?: KeyObject } = {}): Buffer {
  const attestation = card.attestation;
  if (!attestation) throw new Error('this card has no attestation key');
  return attestationCertificate({
    signingKey: o.signingKey ?? createPrivateKey({ key: Buffer.from(attestation.pkcs8, 'base64'), format: 'der', type: 'pkcs8' }),
    attestationCertificate: Buffer.from(attestation.certificate, 'base64'),
    slot: 0x9a,
    publicKey,
    serial: o.serial ?? card.serial,
    version: [5, 4, 3],
    policy: [0x02, 0x01],
  });
}

export interface People {
  readonly orgs: Orgs;
  readonly ra: { readonly token: string; readonly uuid: string; readonly userId: number; readonly positionId: number };
  readonly holder: { readonly id: number; readonly uuid: string };
}

/** An RA of `role` at trust A and a holder at its site A1 (in scope). */
export async function people(h: Harness, role: RoleCode = 'RAA'): Promise<People> {
  const orgs = await h.tree();
  const ra = await actor(h.db, orgs.trustA.id, [role]);
  const holder = await addUser(h.db, { given: 'Nia', family: 'Holder', homeOrgId: orgs.siteA1.id, ni: uniqueNi() });
  return { orgs, ra, holder };
}

export const openIssue = (h: Harness, token: string, holderUuid: string, card: CardReadout, algorithm: 'p256' | 'rsa2048' = 'p256'): Promise<Reply> =>
  h.call('POST', `/v1/users/${holderUuid}/smartcards`, { token, json: { workstationId: WS, algorithm, card } });

export const step = (h: Harness, token: string, operationId: string, name: string, json: Record<string, unknown> = {}): Promise<Reply> =>
  h.call('POST', `/v1/card-operations/${operationId}/${name}`, { token, json: { workstationId: WS, ...json } });

export const requestCertificate = (h: Harness, token: string, operationId: string, key: KeyPair, attestation: Buffer | null): Promise<Reply> =>
  step(h, token, operationId, 'certificate', { csr: csrFor(key).toString('base64'), attestation: attestation === null ? null : attestation.toString('base64') });

const aesEncrypt = (key: Buffer, block: Buffer): Buffer => {
  const cipher = createCipheriv('aes-128-ecb', key, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]);
};

/** The management key a personalise answer's SET MANAGEMENT KEY command carries. */
export const keyOfCommand = (commandBase64: string): Buffer => Buffer.from(commandBase64, 'base64').subarray(8);

/** The card's half of the proof's first step, with `key`: the witness relayed; what the card then answers to the service's challenge. */
export async function witnessFor(h: Harness, token: string, operationId: string, key: Buffer): Promise<Reply | { exchangeId: string; cardResponse: string }> {
  const plain = randomBytes(16);
  const witness = await step(h, token, operationId, 'card-witness', { witness: aesEncrypt(key, plain).toString('base64') });
  if (witness.status !== 200) return witness;
  if (!Buffer.from(witness.body.witness, 'base64').equals(plain)) throw new Error('the service did not decrypt the witness');
  return { exchangeId: witness.body.exchangeId, cardResponse: aesEncrypt(key, Buffer.from(witness.body.challenge, 'base64')).toString('base64') };
}

/** The card's half of the management-key proof, with `key`: witness, then the answer to the service's challenge. */
export async function prove(h: Harness, token: string, operationId: string, key: Buffer): Promise<Reply> {
  const answer = await witnessFor(h, token, operationId, key);
  if ('status' in answer) return answer;
  return step(h, token, operationId, 'authenticate', answer);
}

/** A witness the card would send with `key` (for a step taken on its own). */
export const witnessWith = (key: Buffer): string => aesEncrypt(key, randomBytes(16)).toString('base64');

export interface Issued {
  readonly operationId: string;
  readonly cardUuid: string;
  readonly key: KeyPair;
  readonly certificate: Buffer;
  readonly puk: string;
  readonly managementKey: Buffer;
}

/** An issue taken through every step up to `until` (inclusive), as the agent takes it. */
export async function issueUntil(
  h: Harness,
  p: People,
  card: BlankCard,
  until: 'open' | 'certificate' | 'personalise' | 'authenticate' | 'confirm',
): Promise<Partial<Issued> & { operationId: string; cardUuid: string }> {
  const opened = await openIssue(h, p.ra.token, p.holder.uuid, readout(card));
  if (opened.status !== 201) throw new Error(`open refused: ${JSON.stringify(opened.body)}`);
  const { operationId, cardUuid } = opened.body as { operationId: string; cardUuid: string };
  if (until === 'open') return { operationId, cardUuid };
  const key = newCardKey('p256');
  const cert = await requestCertificate(h, p.ra.token, operationId, key, card.attestation ? attest(card, key.publicKey) : null);
  if (cert.status !== 200) throw new Error(`certificate refused: ${JSON.stringify(cert.body)}`);
  const certificate = Buffer.from(cert.body.certificate, 'base64');
  if (until === 'certificate') return { operationId, cardUuid, key, certificate };
  const personalised = await step(h, p.ra.token, operationId, 'personalise');
  if (personalised.status !== 200) throw new Error(`personalise refused: ${JSON.stringify(personalised.body)}`);
  const managementKey = keyOfCommand(personalised.body.managementKeyCommand);
  const done = { operationId, cardUuid, key, certificate, puk: personalised.body.puk as string, managementKey };
  if (until === 'personalise') return done;
  const proved = await prove(h, p.ra.token, operationId, managementKey);
  if (proved.status !== 200) throw new Error(`proof refused: ${JSON.stringify(proved.body)}`);
  if (until === 'authenticate') return done;
  const confirmed = await step(h, p.ra.token, operationId, 'confirm');
  if (confirmed.status !== 200) throw new Error(`confirm refused: ${JSON.stringify(confirmed.body)}`);
  return done;
}

/** A login with `certificate` and its key, as the agent makes it. */
export async function loginWith(h: Harness, certificate: Buffer, privateKey: KeyObject): Promise<Reply> {
  const challenge = await h.call('POST', '/v1/login/challenge', { json: { workstationId: WS } });
  const payload = loginSignedPayload({ nonce: challenge.body.nonce, serviceOrigin: challenge.body.serviceOrigin, workstationId: WS });
  const signature = sign('sha256', Buffer.from(payload, 'utf8'), { key: privateKey, dsaEncoding: 'der' });
  return h.call('POST', '/v1/login/verify', {
    json: { nonce: challenge.body.nonce, workstationId: WS, algorithm: 'p256', certificate: certificate.toString('base64'), signature: signature.toString('base64') },
  });
}

export const operationRows = (h: Harness, cardUuid: string) =>
  h.db.selectFrom('card_operations').select(['status', 'outcome', 'issued_serial', 'card_id']).where('card_uuid', '=', cardUuid).execute();

export const orphanRows = (h: Harness) => h.db.selectFrom('orphan_certificates').select(['serial', 'revocation_reason', 'revoked_at']).execute();
