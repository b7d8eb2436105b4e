import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { open } from '../crypto/secret-box.js';
import { decodeKdfParams, deriveKeyFromPassphrase } from '../crypto/passphrase-key.js';
import type { Db } from '../store/database.js';
import { CaError, CA_SECRET_NAMES, readCaRecord, storeCaRecordIfAbsent, type CaRecord } from './ca-storage.js';
import { createCaRecord } from './ca-creation.js';
import { buildRevocationList, type RevokedEntry } from './revocation-list.js';
import { buildCertificate, keyIdentifier, randomSerial, subjectNameDer, type Extension, type NameAttribute } from '../../src-shared/crypto/x509-builder.js';

// The service's certificate authority: a root CA (its key stays sealed in the database and is
// never loaded for day-to-day work) and an issuing CA, whose key signs card certificates and
// whose public key every login is checked against.

export interface CertificateRequest {
  readonly subject: readonly NameAttribute[];
  /** The subject's public key (RSA or EC), from node:crypto. */
  readonly publicKey: KeyObject;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The profile's extensions; key identifiers are added here. */
  readonly extensions: readonly Extension[];
}

export interface IssuedCertificate {
  readonly der: Buffer;
  /** Lower-case hex, as stored in certificates.serial. */
  readonly serial: string;
  /** As written in the certificate (whole seconds). */
  readonly notBefore: Date;
  readonly notAfter: Date;
}

const wholeSeconds = (d: Date): Date => new Date(Math.floor(d.getTime() / 1000) * 1000);

export class CertificateAuthority {
  readonly root: X509Certificate;
  readonly issuing: X509Certificate;
  /** Parsed once: every login verifies a certificate signature with it. */
  readonly issuingPublicKey: KeyObject;
  private readonly issuingName: Buffer;
  private readonly issuingKeyId: Buffer;
  /**
   * The URL of this CA's revocation list that issued card certificates name
   * (cRLDistributionPoints): the service's public origin + /v1/ca/crl, set once the origin is
   * known (start-service.ts; make-card from serviceOrigin). Null: not known here.
   */
  crlDistributionPoint: string | null = null;

  constructor(
    rootDer: Buffer,
    issuingDer: Buffer,
    private readonly issuingKey: KeyObject,
  ) {
    this.root = new X509Certificate(rootDer);
    this.issuing = new X509Certificate(issuingDer);
    this.issuingPublicKey = this.issuing.publicKey;
    this.issuingName = subjectNameDer(issuingDer);
    this.issuingKeyId = keyIdentifier(this.issuingPublicKey.export({ type: 'spki', format: 'der' }));
  }

  issue(request: CertificateRequest): IssuedCertificate {
    const notBefore = wholeSeconds(request.notBefore);
    const notAfter = wholeSeconds(request.notAfter);
    if (notAfter <= notBefore) throw new CaError('A certificate must end after it starts.');
    if (notAfter.getTime() > new Date(this.issuing.validTo).getTime()) {
      throw new CaError('That certificate would outlive the issuing CA; choose a shorter validity.');
    }
    const spki = request.publicKey.export({ type: 'spki', format: 'der' });
    const serial = randomSerial();
    const der = buildCertificate({
      serialHex: serial,
      issuer: this.issuingName,
      subject: request.subject,
      notBefore,
      notAfter,
      subjectPublicKeyInfo: spki,
      extensions: [
        ...request.extensions,
        { kind: 'subjectKeyIdentifier', keyId: keyIdentifier(spki) },
        { kind: 'authorityKeyIdentifier', keyId: this.issuingKeyId },
      ],
      signingKey: this.issuingKey,
    });
    return { der, serial, notBefore, notAfter };
  }

  /** The revocation list naming `entries`, signed by the issuing CA (revocation-list.ts). */
  revocationList(list: { thisUpdate: Date; nextUpdate: Date; crlNumber: number; entries: readonly RevokedEntry[] }): Buffer {
    return buildRevocationList({ ...list, issuer: this.issuingName, issuerKeyId: this.issuingKeyId, signingKey: this.issuingKey });
  }

  /** True when `certificate` carries our issuing CA's name and signature. */
  issued(certificate: X509Certificate): boolean {
    return certificate.checkIssued(this.issuing) && certificate.verify(this.issuingPublicKey);
  }
}

export interface CaLoadOptions {
  /** config.caPassphrase, else the machine secret's caPassphrase. */
  readonly passphrase: string;
  readonly now?: () => Date;
}

/** Loads the CA from the database, creating it on the service's first start. */
export async function loadOrCreateCertificateAuthority(db: Db, options: CaLoadOptions): Promise<CertificateAuthority> {
  let record = await readCaRecord(db);
  if (!record) {
    // Keys are made outside the write transaction; if another process stored a CA meanwhile,
    // theirs wins and ours is dropped.
    record = await storeCaRecordIfAbsent(db, await createCaRecord(options.passphrase, (options.now ?? (() => new Date()))()));
  }
  return unsealCa(record, options.passphrase);
}

async function unsealCa(record: CaRecord, passphrase: string): Promise<CertificateAuthority> {
  let kek: Buffer;
  try {
    kek = await deriveKeyFromPassphrase(passphrase, decodeKdfParams(record.kdf));
  } catch {
    throw new CaError('The certificate authority key settings in the database are damaged. Restore the database from a backup.');
  }
  let issuingPkcs8: Buffer;
  let rootPkcs8: Buffer;
  try {
    issuingPkcs8 = open(kek, record.issuingKey, CA_SECRET_NAMES.issuingKey);
    rootPkcs8 = open(kek, record.rootKey, CA_SECRET_NAMES.rootKey);
  } catch {
    throw new CaError(
      'The CA passphrase does not open the certificate authority keys in this database. Use the passphrase this database was created with (caPassphrase in the configuration, CIS_CA_PASSPHRASE, or the service secret file next to the database).',
    );
  } finally {
    kek.fill(0);
  }
  // The root key only needs to open (proof the passphrase is right for both); it is not kept.
  rootPkcs8.fill(0);
  const issuingKey = createPrivateKey({ key: issuingPkcs8, format: 'der', type: 'pkcs8' });
  issuingPkcs8.fill(0);
  const ca = new CertificateAuthority(record.rootCertificate, record.issuingCertificate, issuingKey);
  const matches = ca.issuing.checkPrivateKey(issuingKey) && ca.issuing.checkIssued(ca.root) && ca.issuing.verify(ca.root.publicKey);
  if (!matches) throw new CaError('The certificate authority in the database is inconsistent (issuing CA key, certificate and root do not match).');
  return ca;
}
