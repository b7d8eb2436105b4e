import { generateKeyPairSync, randomBytes, randomInt, randomUUID, type KeyObject } from 'node:crypto';
import { attestationPublicKey, newAttestationKey } from '../../src-shared/card/piv-attestation.js';
import { encodeCertificateObject, encodeChuid, uuidToGuid } from '../../src-shared/card/piv-objects.js';
import { digestReferenceData, padReferenceData } from '../../src-shared/card/reference-data.js';
import { VirtualCardState, type AsymmetricAlgorithm, type ReferenceDataState } from '../../src-shared/card/virtual-card-state.js';
import { checkPasscode } from '../../src-shared/domain/passcode-policy.js';
import { appendAudit } from '../audit/audit-log.js';
import { MANAGEMENT_KEY_ALGORITHM, newManagementKey, newPuk, sealCardSecret } from '../crypto/card-secrets.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { issueAuthenticationCertificate, recordCertificate } from './authentication-certificate.js';
import type { CertificateAuthority, IssuedCertificate } from './certificate-authority.js';

// The card factory: makes a complete smartcard for a user in one step. A random v4 card UUID
// (its 16 bytes are the CHUID GUID), a serial, a 9A key pair, the CA-issued 9A certificate, a
// random PUK and AES-128 management key (sealed into the directory, never shown), an attestation
// key (Yubico slot F9, P-256, its certificate self-signed) whose public key the directory keeps so
// a renewal can tell a key the card made from any other (src-service/renewal/attestation.ts), the
// card registered as active, and the virtual card state the PIV card engine runs from.
// Used by `make-card`, by tests and by training mode. Shares only src-shared with the card side.

const DEFAULT_CARD_PASSCODE = '123456';
const TRIES = 3;
/** The PIV version the card reports: 5.4.3, the floor yubico-piv-tool accepts. */
const CARD_VERSION: [number, number, number] = [5, 4, 3];

export interface CardFactoryDeps {
  readonly db: Db;
  /** Seals the PUK and management key. */
  readonly dataKey: Buffer;
  readonly ca: CertificateAuthority;
  readonly now?: () => Date;
}

export interface MakeCardOptions {
  readonly userUuid: string;
  /** 6-8 digits; default 123456. Only its salted digest goes into the card state. */
  readonly passcode?: string;
  readonly algorithm?: AsymmetricAlgorithm;
  /** Certificate validity in days; default three years. */
  readonly validDays?: number;
  /** Exact certificate end (tests at expiry boundaries); overrides validDays. */
  readonly notAfter?: Date;
  /** Who is issuing, for the audit log; default 'system'. */
  readonly actor?: string;
  /**
   * Saves the card (e.g. its state file) inside the registration transaction: if saving
   * fails, the card is not registered, so the directory never lists a card that does not exist.
   */
  readonly persist?: (state: VirtualCardState) => void;
}

export interface MadeCard {
  readonly cardUuid: string;
  readonly cardId: number;
  readonly serial: number;
  readonly algorithm: AsymmetricAlgorithm;
  readonly certificate: IssuedCertificate;
  /** The card, ready for the PIV card engine or a state file. */
  readonly state: VirtualCardState;
  /** The 9A private key, for callers that sign without a card (the login bench). */
  readonly privateKey: KeyObject;
}

export class CardFactoryError extends Error {
  override name = 'CardFactoryError';
}

function referenceData(value: string): ReferenceDataState {
  const salt = randomBytes(16);
  const raw = Buffer.from(value, 'ascii');
  const padded = padReferenceData(raw);
  const digest = digestReferenceData(salt, padded);
  raw.fill(0);
  padded.fill(0);
  return { salt: salt.toString('hex'), digest: Buffer.from(digest).toString('hex'), triesLeft: TRIES, maxTries: TRIES };
}

function keyPair(algorithm: AsymmetricAlgorithm): { publicKey: KeyObject; privateKey: KeyObject } {
  return algorithm === 'rsa2048' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
}

export async function makeCard(deps: CardFactoryDeps, options: MakeCardOptions): Promise<MadeCard> {
  const passcode = options.passcode ?? DEFAULT_CARD_PASSCODE;
  const check = checkPasscode(passcode);
  if (!check.ok) throw new CardFactoryError(`The card passcode is not valid: ${check.message}`);
  const algorithm = options.algorithm ?? 'rsa2048';
  const now = deps.now?.() ?? new Date();
  const user = await deps.db
    .selectFrom('users')
    .select(['id', 'uuid', 'given_name as givenName', 'family_name as familyName', 'status'])
    .where('uuid', '=', options.userUuid)
    .executeTakeFirst();
  if (!user) throw new CardFactoryError(`No user profile has the UUID ${options.userUuid}.`);
  if (user.status !== 'open') throw new CardFactoryError('That user profile is closed; a card cannot be issued to it.');

  const cardUuid = randomUUID();
  const serial = randomInt(1, 0x7fffffff);
  const keys = keyPair(algorithm);
  const certificate = issueAuthenticationCertificate(deps.ca, {
    givenName: user.givenName,
    familyName: user.familyName,
    userUuid: user.uuid,
    publicKey: keys.publicKey,
    now,
    ...(options.validDays !== undefined ? { validDays: options.validDays } : {}),
    ...(options.notAfter ? { notAfter: options.notAfter } : {}),
  });

  const puk = newPuk();
  const managementKey = newManagementKey();
  const pkcs8 = keys.privateKey.export({ type: 'pkcs8', format: 'der' });
  const attestation = newAttestationKey(`Care Identity card attestation ${serial}`, now);
  const attestationKey = attestationPublicKey(attestation);
  try {
    const state = VirtualCardState.parse({
      format: 'piv-virtual-card/1',
      serial,
      version: CARD_VERSION,
      pin: referenceData(passcode),
      puk: referenceData(puk),
      managementKey: { algorithm: MANAGEMENT_KEY_ALGORITHM, key: managementKey.toString('hex') },
      keys: { '9a': { algorithm, pkcs8: pkcs8.toString('base64') } },
      objects: {
        // The CHUID's own expiry is left at the default: certificates are renewed on the same
        // card, so the card outlives any one certificate.
        '5fc102': encodeChuid(uuidToGuid(cardUuid)).toString('hex'),
        '5fc105': encodeCertificateObject(certificate.der).toString('hex'),
      },
      attestation,
    } satisfies VirtualCardState);

    // A transaction may be run again (store/transaction.ts): `persist` then saves the same state again.
    const cardId = await inTransaction(deps.db, async (trx) => {
      const { id } = await trx
        .insertInto('cards')
        .values({
          uuid: cardUuid,
          serial,
          user_id: user.id,
          status: 'active',
          algorithm,
          puk_sealed: sealCardSecret(deps.dataKey, cardUuid, 'puk', Buffer.from(puk, 'ascii')),
          management_key_sealed: sealCardSecret(deps.dataKey, cardUuid, 'management-key', managementKey),
          management_key_algorithm: MANAGEMENT_KEY_ALGORITHM,
          attestation_key: attestationKey,
          created_at: now.toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordCertificate(trx, id, certificate);
      await appendAudit(
        trx,
        {
          action: 'card.issued',
          actor: options.actor ?? 'system',
          subject: cardUuid,
          details: { userUuid: user.uuid, serial, algorithm, certificateSerial: certificate.serial, notAfter: certificate.notAfter.toISOString() },
        },
        now,
      );
      options.persist?.(state);
      return id;
    });
    return { cardUuid, cardId, serial, algorithm, certificate, state, privateKey: keys.privateKey };
  } finally {
    managementKey.fill(0);
    pkcs8.fill(0);
  }
}
