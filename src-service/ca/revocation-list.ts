import { sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { sql } from 'kysely';
import { CARDS_ENDPOINTS } from '../../src-shared/api/endpoints-cards.js';
import { fromDer, OID, signatureAlgorithm } from '../../src-shared/crypto/x509-builder.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { voidExpiredIssues } from '../cards/card-operation-store.js';

// The issuing CA's certificate revocation list (RFC 5280 §5): an X.509 v2 CRL, DER, signed by
// the issuing CA's key, naming every certificate the CA revoked: those of cancelled, cleared,
// revoked and renewed cards (certificates.revoked_at) and those of card operations that never
// finished (orphan_certificates). Each entry carries its reason; the cRLNumber is the number of
// entries, so it grows with every revocation (revocations are never undone) and every instance
// on the same database gives the same number. Served at GET /v1/ca/crl and named in every
// certificate the CA issues (cRLDistributionPoints), so relying parties can check a card
// without asking the service anything else.

const { asn1 } = forge;
const HOUR_MS = 3_600_000;
/** A fresh list is made at least this often, so thisUpdate is never older than this. */
const REBUILD_EVERY_MS = HOUR_MS;
/** How long a fetched list may be relied on: a relying party fetches again after this. */
const NEXT_UPDATE_MS = 24 * HOUR_MS;
/** Allows for relying parties' clocks a little behind the service's. */
const BACKDATE_MS = 60_000;

/** RFC 5280 §5.3.1 CRLReason. */
const CRL_REASON = { unspecified: 0, keyCompromise: 1, superseded: 4, cessationOfOperation: 5 } as const;

/** The CRL reason for a stored revocation reason: lost or stolen keys may be in others' hands. */
function crlReasonOf(reason: string | null): number {
  if (reason === 'lost' || reason === 'stolen') return CRL_REASON.keyCompromise;
  if (reason === 'superseded') return CRL_REASON.superseded;
  return CRL_REASON.cessationOfOperation;
}

export interface RevokedEntry {
  /** Lower-case hex, as stored in certificates.serial. */
  readonly serial: string;
  readonly revokedAt: Date;
  readonly reason: number;
}

export interface RevocationListTemplate {
  /** The issuing CA's subject Name, DER. */
  readonly issuer: Buffer;
  /** The issuing CA's subjectKeyIdentifier, for authorityKeyIdentifier. */
  readonly issuerKeyId: Buffer;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly crlNumber: number;
  readonly entries: readonly RevokedEntry[];
  readonly signingKey: KeyObject;
}

const bin = (b: Uint8Array): string => Buffer.from(b).toString('binary');
const seq = (value: forge.asn1.Asn1[]): forge.asn1.Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, value);
const oid = (id: string): forge.asn1.Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(id).getBytes());
const octets = (inner: forge.asn1.Asn1): forge.asn1.Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, asn1.toDer(inner).getBytes());
const extension = (id: string, inner: forge.asn1.Asn1): forge.asn1.Asn1 => seq([oid(id), octets(inner)]);

/** A non-negative INTEGER from hex, with the leading zero byte DER needs when the top bit is set. */
function integerOfHex(hex: string): forge.asn1.Asn1 {
  let bytes = Buffer.from(hex.length % 2 === 1 ? `0${hex}` : hex, 'hex');
  while (bytes.length > 1 && bytes[0] === 0 && ((bytes[1] as number) & 0x80) === 0) bytes = bytes.subarray(1);
  if (((bytes[0] as number) & 0x80) !== 0) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, bin(bytes));
}

/** RFC 5280 §5.1.2.4: UTCTime through 2049, GeneralizedTime from 2050. */
function time(at: Date): forge.asn1.Asn1 {
  const whole = new Date(Math.floor(at.getTime() / 1000) * 1000);
  return whole.getUTCFullYear() < 2050
    ? asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTCTIME, false, asn1.dateToUtcTime(whole))
    : asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, asn1.dateToGeneralizedTime(whole));
}

/** The DER CertificateList for `t`, signed with `t.signingKey` (RSA or EC). */
export function buildRevocationList(t: RevocationListTemplate): Buffer {
  const revoked = t.entries.map((e) =>
    seq([
      integerOfHex(e.serial),
      time(e.revokedAt),
      seq([extension(OID.reasonCode, asn1.create(asn1.Class.UNIVERSAL, asn1.Type.ENUMERATED, false, String.fromCharCode(e.reason)))]),
    ]),
  );
  const crlExtensions = seq([
    extension(OID.authorityKeyIdentifier, seq([asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, bin(t.issuerKeyId))])),
    extension(OID.cRLNumber, integerOfHex(t.crlNumber.toString(16))),
  ]);
  const tbs = seq([
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, String.fromCharCode(1)),
    signatureAlgorithm(t.signingKey),
    fromDer(t.issuer),
    time(t.thisUpdate),
    time(t.nextUpdate),
    // An empty list leaves revokedCertificates out (RFC 5280 §5.1.2.6).
    ...(revoked.length > 0 ? [seq(revoked)] : []),
    asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [crlExtensions]),
  ]);
  const tbsDer = Buffer.from(asn1.toDer(tbs).getBytes(), 'binary');
  const signature = sign('sha256', tbsDer, t.signingKey);
  const list = seq([tbs, signatureAlgorithm(t.signingKey), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\u0000${bin(signature)}`)]);
  return Buffer.from(asn1.toDer(list).getBytes(), 'binary');
}

/** Serials the CA made are hex; seeded training rows without a certificate are not, and are no certificate to list. */
const HEX_SERIAL = /^[0-9a-f]{1,40}$/;

interface RevokedRow {
  serial: string;
  revokedAt: string;
  reason: string | null;
}

/** Every certificate the CA revoked, oldest revocation first. */
async function revokedCertificates(db: Db): Promise<RevokedEntry[]> {
  const { rows } = await sql<RevokedRow>`
    SELECT serial, revoked_at AS "revokedAt", revocation_reason AS reason FROM certificates WHERE revoked_at IS NOT NULL
    UNION ALL
    SELECT serial, revoked_at AS "revokedAt", revocation_reason AS reason FROM orphan_certificates
    ORDER BY 2, 1`.execute(db);
  return rows
    .filter((r) => HEX_SERIAL.test(r.serial))
    .map((r) => ({ serial: r.serial, revokedAt: new Date(r.revokedAt), reason: crlReasonOf(r.reason) }));
}

/** What changes the list: how many revocations there are and the latest. Cheap, asked on every fetch. */
async function revocationStamp(db: Db): Promise<string> {
  const { rows } = await sql<{ n: number; latest: string | null }>`
    SELECT COUNT(*) AS n, MAX(revoked_at) AS latest FROM (
      SELECT revoked_at FROM certificates WHERE revoked_at IS NOT NULL
      UNION ALL
      SELECT revoked_at FROM orphan_certificates) r`.execute(db);
  return `${Number(rows[0]?.n ?? 0)}/${rows[0]?.latest ?? ''}`;
}

interface CachedList {
  readonly stamp: string;
  readonly builtAt: number;
  readonly der: Buffer;
}

// One list per running service, made again when a revocation happened (anywhere on the
// database: the stamp is read from it) or when it is an hour old.
const cache = new WeakMap<ServiceContext, CachedList>();

/** The current revocation list, DER. */
export async function currentRevocationList(ctx: ServiceContext): Promise<Buffer> {
  // An issue that expired unfinished got a certificate that never went live: listed all the same.
  await inTransaction(ctx.db, (trx) => voidExpiredIssues(trx, ctx.now()));
  const now = ctx.now().getTime();
  const stamp = await revocationStamp(ctx.db);
  const cached = cache.get(ctx);
  if (cached && cached.stamp === stamp && now - cached.builtAt < REBUILD_EVERY_MS && now >= cached.builtAt) return cached.der;
  const entries = await revokedCertificates(ctx.db);
  const thisUpdate = new Date(now - BACKDATE_MS);
  const der = ctx.ca.revocationList({ thisUpdate, nextUpdate: new Date(now + NEXT_UPDATE_MS), crlNumber: entries.length, entries });
  cache.set(ctx, { stamp, builtAt: now, der });
  return der;
}

/** The distribution point the CA names in the certificates it issues: the service's public origin + the list's path. */
export const crlDistributionPointOf = (serviceOrigin: string): string => `${serviceOrigin.replace(/\/+$/, '')}${CARDS_ENDPOINTS.certificateRevocationList.path}`;
