import type { KeyObject, X509Certificate } from 'node:crypto';
import type { Db } from '../store/database.js';
import { CaError } from './ca-storage.js';
import type { CertificateAuthority, IssuedCertificate } from './certificate-authority.js';
import { OID } from '../../src-shared/crypto/x509-builder.js';

// The card authentication (PIV slot 9A) certificate profile: subject CN "Given Family" and the
// holder's user UUID in the `uid` attribute (what login matches against the directory),
// digitalSignature only, clientAuth, RSA-2048 or P-256 subject key, and where the CA's revocation
// list is (cRLDistributionPoints) so a relying party can check the card is not cancelled.

const DEFAULT_VALIDITY_YEARS = 3;
const DAY_MS = 24 * 3600 * 1000;
/** Allows for clocks a little behind the service's between issue and first use. */
const BACKDATE_MS = 60_000;

export interface AuthenticationCertificateRequest {
  readonly givenName: string;
  readonly familyName: string;
  readonly userUuid: string;
  readonly publicKey: KeyObject;
  readonly now: Date;
  /** Days from `now` to notAfter; default three years. Ignored when `notAfter` is given. */
  readonly validDays?: number;
  readonly notAfter?: Date;
}

export function issueAuthenticationCertificate(ca: CertificateAuthority, r: AuthenticationCertificateRequest): IssuedCertificate {
  const details = r.publicKey.asymmetricKeyDetails;
  const rsa2048 = r.publicKey.asymmetricKeyType === 'rsa' && details?.modulusLength === 2048;
  const p256 = r.publicKey.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1';
  if (!rsa2048 && !p256) throw new CaError('A card authentication key must be RSA-2048 or P-256.');
  if (r.validDays !== undefined && (!Number.isInteger(r.validDays) || r.validDays < 1)) throw new CaError('Validity must be a whole number of days, at least 1.');
  let notAfter = r.notAfter;
  if (!notAfter) {
    if (r.validDays !== undefined) notAfter = new Date(r.now.getTime() + r.validDays * DAY_MS);
    else {
      notAfter = new Date(r.now);
      notAfter.setUTCFullYear(notAfter.getUTCFullYear() + DEFAULT_VALIDITY_YEARS);
    }
  }
  return ca.issue({
    subject: [
      { type: OID.commonName, value: `${r.givenName} ${r.familyName}` },
      { type: OID.userId, value: r.userUuid },
    ],
    publicKey: r.publicKey,
    notBefore: new Date(r.now.getTime() - BACKDATE_MS),
    notAfter,
    extensions: [
      { kind: 'basicConstraints', ca: false },
      { kind: 'keyUsage', usages: ['digitalSignature'] },
      { kind: 'extKeyUsage', purposes: ['clientAuth'] },
      ...(ca.crlDistributionPoint !== null ? [{ kind: 'crlDistributionPoint' as const, url: ca.crlDistributionPoint }] : []),
    ],
  });
}

/**
 * A certificate for a holder on record (renewal, issue): the subject is the directory's name and
 * UUID for `holderId`, never what a request says.
 */
export async function issueForHolder(
  db: Db,
  ca: CertificateAuthority,
  holder: { readonly id: number; readonly uuid: string },
  publicKey: KeyObject,
  now: Date,
): Promise<IssuedCertificate> {
  const names = await db
    .selectFrom('users')
    .select(['given_name as givenName', 'family_name as familyName'])
    .where('id', '=', holder.id)
    .executeTakeFirstOrThrow();
  return issueAuthenticationCertificate(ca, { ...names, userUuid: holder.uuid, publicKey, now });
}

const UID_LINE = /^UID=([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/m;

/** The holder's user UUID from a card certificate's subject, if it carries one. */
export function userUuidOf(certificate: X509Certificate): string | undefined {
  return UID_LINE.exec(certificate.subject)?.[1];
}

export async function recordCertificate(db: Db, cardId: number, issued: IssuedCertificate): Promise<void> {
  await db
    .insertInto('certificates')
    .values({
      serial: issued.serial,
      card_id: cardId,
      der: issued.der,
      not_before: issued.notBefore.toISOString(),
      not_after: issued.notAfter.toISOString(),
    })
    .execute();
}
