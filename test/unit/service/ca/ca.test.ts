import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueAuthenticationCertificate, userUuidOf } from '../../../../src-service/ca/authentication-certificate.js';
import { createCaRecord } from '../../../../src-service/ca/ca-creation.js';
import { CaError, CA_SECRET_NAMES, storeCaRecordIfAbsent } from '../../../../src-service/ca/ca-storage.js';
import { loadOrCreateCertificateAuthority, type CertificateAuthority } from '../../../../src-service/ca/certificate-authority.js';
import { openDatabase, type Db } from '../../../../src-service/store/database.js';
import { tempDbFile, testEngine } from '../../../support/service-fixtures.js';

// The service CA: a root and an issuing CA made on first start and kept in service_secrets
// (certificates in clear, keys sealed under the CA passphrase), and the card authentication
// (9A) certificates it issues, for RSA-2048 and P-256 keys alike.

const NOW = new Date('2027-03-10T10:00:00.000Z');
const PASSPHRASE = 'correct horse battery staple';
const USER = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';
let dbFile: string;
let db: Db;
let ca: CertificateAuthority;

/** A test database's folder, when it has one (SQLite; a PostgreSQL schema is dropped with the run's cluster). */
const removeDb = (file: string): void => {
  if (testEngine() === 'sqlite') rmSync(dirname(file), { recursive: true, force: true });
};

beforeAll(async () => {
  dbFile = tempDbFile('cis-ca-');
  db = await openDatabase(dbFile);
  ca = await loadOrCreateCertificateAuthority(db, { passphrase: PASSPHRASE, now: () => NOW });
});
afterAll(async () => {
  await db.destroy();
  removeDb(dbFile);
});

interface Ext {
  critical: boolean;
  value: Buffer;
}

/** The extensions of a DER certificate by OID, read with forge's ASN.1 parser (works for EC keys too). */
function extensions(der: Buffer): Map<string, Ext> {
  const cert = forge.asn1.fromDer(der.toString('binary'));
  const tbs = (cert.value as forge.asn1.Asn1[])[0] as forge.asn1.Asn1;
  const wrapper = (tbs.value as forge.asn1.Asn1[]).find((n) => n.tagClass === forge.asn1.Class.CONTEXT_SPECIFIC && n.type === 3);
  const out = new Map<string, Ext>();
  const list = ((wrapper?.value as forge.asn1.Asn1[])[0]?.value ?? []) as forge.asn1.Asn1[];
  for (const ext of list) {
    const parts = ext.value as forge.asn1.Asn1[];
    const oid = forge.asn1.derToOid(parts[0]?.value as string);
    const critical = parts.length === 3 && (parts[1]?.value as string) === '\xff';
    out.set(oid, { critical, value: Buffer.from((parts[parts.length - 1] as forge.asn1.Asn1).value as string, 'binary') });
  }
  return out;
}

const stored = async (name: string): Promise<Buffer | undefined> =>
  (await db.selectFrom('service_secrets').select('value').where('name', '=', name).executeTakeFirst())?.value;

/** The CA rows a database holds, whichever process stored them. */
const caRowCount = async (on: Db): Promise<number> =>
  Number((await on.selectFrom('service_secrets').select((eb) => eb.fn.countAll<number>().as('n')).where('name', 'in', Object.values(CA_SECRET_NAMES)).executeTakeFirstOrThrow()).n);

describe('the CA is created on first start and kept in service_secrets', () => {
  it('a root CA and an issuing CA under it, certificates in clear', async () => {
    const root = new X509Certificate((await stored(CA_SECRET_NAMES.rootCertificate)) as Buffer);
    const issuing = new X509Certificate((await stored(CA_SECRET_NAMES.issuingCertificate)) as Buffer);
    expect(root.subject).toBe('O=Care Identity Service\nCN=Care Identity Root CA');
    expect(root.ca && issuing.ca).toBe(true);
    expect(root.verify(root.publicKey)).toBe(true);
    expect(issuing.checkIssued(root) && issuing.verify(root.publicKey)).toBe(true);
    expect(root.publicKey.asymmetricKeyDetails?.modulusLength).toBe(3072);
    expect(issuing.publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    expect(ca.issuing.fingerprint256).toBe(issuing.fingerprint256);
    // The issuing CA may only sign end-entity certificates: pathLenConstraint 0.
    expect(extensions(issuing.raw).get('2.5.29.19')?.value.toString('hex')).toBe('30060101ff020100');
  });

  it('the private keys are stored only sealed: neither stored value is a readable key', async () => {
    for (const name of [CA_SECRET_NAMES.rootKey, CA_SECRET_NAMES.issuingKey]) {
      const value = (await stored(name)) as Buffer;
      expect(value.length).toBeGreaterThan(1000);
      expect(() => createPrivateKey({ key: value, format: 'der', type: 'pkcs8' })).toThrow();
      expect(value.toString('latin1')).not.toContain('PRIVATE KEY');
    }
  });

  it('a later start loads the same CA, and what the first run issued verifies under it', async () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const issued = issueAuthenticationCertificate(ca, { givenName: 'A', familyName: 'B', userUuid: USER, publicKey: key.publicKey, now: NOW });
    const again = await loadOrCreateCertificateAuthority(db, { passphrase: PASSPHRASE });
    expect(again.issuing.fingerprint256).toBe(ca.issuing.fingerprint256);
    expect(again.root.fingerprint256).toBe(ca.root.fingerprint256);
    expect(again.issued(new X509Certificate(issued.der))).toBe(true);
  });

  it('a wrong passphrase is a clear startup error that does not repeat the passphrase', async () => {
    const wrong = 'not the passphrase at all';
    const err = await loadOrCreateCertificateAuthority(db, { passphrase: wrong }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CaError);
    expect((err as Error).message).toMatch(/CA passphrase does not open the certificate authority keys/);
    expect((err as Error).message).not.toContain(wrong);
  });

  it('two processes starting on a new database at once end up with one CA', async () => {
    const file = tempDbFile('cis-ca-race-');
    // Two stores on one database, opened together (each migrates it, as a starting instance does).
    const [a, b] = await Promise.all([openDatabase(file), openDatabase(file)]);
    try {
      const [x, y] = await Promise.all([
        loadOrCreateCertificateAuthority(a, { passphrase: PASSPHRASE }),
        loadOrCreateCertificateAuthority(b, { passphrase: PASSPHRASE }),
      ]);
      expect(x.issuing.fingerprint256).toBe(y.issuing.fingerprint256);
      expect(x.root.fingerprint256).toBe(y.root.fingerprint256);
      expect(await caRowCount(a)).toBe(5);
      // And a third start later loads that same CA.
      expect((await loadOrCreateCertificateAuthority(b, { passphrase: PASSPHRASE })).issuing.fingerprint256).toBe(x.issuing.fingerprint256);
    } finally {
      await Promise.all([a.destroy(), b.destroy()]);
      removeDb(file);
    }
  });

  it('rule: two stores keeping a new CA at the same moment keep one, and both are handed that one', async () => {
    const file = tempDbFile('cis-ca-store-race-');
    const [a, b] = await Promise.all([openDatabase(file), openDatabase(file)]);
    try {
      // Both made their CA before either looked: only the database can keep them from both storing theirs.
      const [mine, theirs] = await Promise.all([createCaRecord(PASSPHRASE, NOW), createCaRecord(PASSPHRASE, NOW)]);
      const [x, y] = await Promise.all([storeCaRecordIfAbsent(a, mine), storeCaRecordIfAbsent(b, theirs)]);
      expect(x.issuingCertificate.equals(y.issuingCertificate)).toBe(true);
      expect(x.issuingKey.equals(y.issuingKey)).toBe(true);
      const kept = await a.selectFrom('service_secrets').select('value').where('name', '=', CA_SECRET_NAMES.issuingCertificate).execute();
      expect(kept.map((r) => r.value.equals(x.issuingCertificate))).toEqual([true]);
      expect(await caRowCount(b)).toBe(5);
    } finally {
      await Promise.all([a.destroy(), b.destroy()]);
      removeDb(file);
    }
  });
});

describe.each([
  ['RSA-2048', () => generateKeyPairSync('rsa', { modulusLength: 2048 })],
  ['P-256', () => generateKeyPairSync('ec', { namedCurve: 'P-256' })],
])('a 9A authentication certificate for a %s key', (_name, makeKey) => {
  let key: { publicKey: KeyObject; privateKey: KeyObject };
  let issued: ReturnType<typeof issueAuthenticationCertificate>;
  let x509: X509Certificate;

  beforeAll(() => {
    key = makeKey();
    issued = issueAuthenticationCertificate(ca, { givenName: 'Siân', familyName: 'Ó Briain', userUuid: USER, publicKey: key.publicKey, now: NOW });
    x509 = new X509Certificate(issued.der);
  });

  it('parses with node:crypto and verifies with the issuing CA public key', () => {
    expect(x509.verify(ca.issuingPublicKey)).toBe(true);
    expect(x509.checkIssued(ca.issuing)).toBe(true);
    expect(ca.issued(x509)).toBe(true);
    expect(x509.ca).toBe(false);
  });

  it("carries the card's own key: the SubjectPublicKeyInfo is exactly node:crypto's", () => {
    expect(x509.publicKey.export({ type: 'spki', format: 'der' }).equals(key.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
  });

  it('names the holder: CN "Given Family" (UTF-8) and the user UUID in uid', () => {
    expect(x509.subject).toBe(`CN=Siân Ó Briain\nUID=${USER}`);
    expect(userUuidOf(x509)).toBe(USER);
    expect(x509.issuer).toBe(ca.issuing.subject);
  });

  it('key usage digitalSignature only (critical), extended key usage clientAuth, not a CA, key identifiers linked to the issuer', () => {
    const ext = extensions(issued.der);
    expect(ext.get('2.5.29.15')).toEqual({ critical: true, value: Buffer.from('03020780', 'hex') });
    expect(x509.keyUsage).toEqual(['1.3.6.1.5.5.7.3.2']);
    expect(ext.get('2.5.29.19')).toEqual({ critical: true, value: Buffer.from('3000', 'hex') });
    const ski = ext.get('2.5.29.14')?.value.subarray(2);
    const bits = forge.asn1.fromDer(key.publicKey.export({ type: 'spki', format: 'der' }).toString('binary'), { decodeBitStrings: false } as never);
    const subjectKey = Buffer.from(((bits.value as forge.asn1.Asn1[])[1] as forge.asn1.Asn1).value as string, 'binary').subarray(1);
    expect(ski?.equals(createHash('sha1').update(subjectKey).digest())).toBe(true);
    const issuerSki = extensions(ca.issuing.raw).get('2.5.29.14')?.value.subarray(2) as Buffer;
    expect(ext.get('2.5.29.35')?.value.toString('hex')).toBe(`3016${'8014'}${issuerSki.toString('hex')}`);
  });

  it('is valid three years by default, from just before issue, with a random positive 16-byte serial', () => {
    expect(issued.notBefore.getTime()).toBe(NOW.getTime() - 60_000);
    expect(issued.notAfter.toISOString()).toBe('2030-03-10T10:00:00.000Z');
    expect(new Date(x509.validTo).getTime()).toBe(issued.notAfter.getTime());
    expect(x509.serialNumber.toLowerCase()).toBe(issued.serial);
    expect(issued.serial).toMatch(/^[0-7][0-9a-f]{31}$/);
    expect(issued.serial.slice(0, 2)).not.toBe('00');
  });

  it('openssl (a verifier nobody here wrote) accepts the chain root -> issuing -> card for TLS client authentication', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cis-ca-openssl-'));
    try {
      writeFileSync(join(dir, 'root.pem'), ca.root.toString());
      writeFileSync(join(dir, 'issuing.pem'), ca.issuing.toString());
      writeFileSync(join(dir, 'card.pem'), x509.toString());
      const out = execFileSync('openssl', [
        'verify',
        '-CAfile',
        join(dir, 'root.pem'),
        '-untrusted',
        join(dir, 'issuing.pem'),
        '-purpose',
        'sslclient',
        '-attime',
        String(NOW.getTime() / 1000),
        join(dir, 'card.pem'),
      ]).toString();
      expect(out.trim()).toBe(`${join(dir, 'card.pem')}: OK`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('issuing rules', () => {
  it('every certificate gets its own random serial', () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const serials = new Set(Array.from({ length: 20 }, () => issueAuthenticationCertificate(ca, { givenName: 'A', familyName: 'B', userUuid: USER, publicKey: key, now: NOW }).serial));
    expect(serials.size).toBe(20);
  });

  it('the caller chooses the validity in days', () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    const issued = issueAuthenticationCertificate(ca, { givenName: 'A', familyName: 'B', userUuid: USER, publicKey: key, now: NOW, validDays: 90 });
    expect(issued.notAfter.getTime()).toBe(NOW.getTime() + 90 * 86_400_000);
  });

  it.each([
    ['RSA-1024', () => generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey],
    ['P-384', () => generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey],
    ['Ed25519', () => generateKeyPairSync('ed25519').publicKey],
  ])('a %s key is refused: card keys are RSA-2048 or P-256', (_name, key) => {
    expect(() => issueAuthenticationCertificate(ca, { givenName: 'A', familyName: 'B', userUuid: USER, publicKey: key(), now: NOW })).toThrow(/RSA-2048 or P-256/);
  });

  it('a certificate may not outlive the issuing CA, and must last at least a day', () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
    expect(() => issueAuthenticationCertificate(ca, { givenName: 'A', familyName: 'B', userUuid: USER, publicKey: key, now: NOW, validDays: 20 * 365 })).toThrow(
      /outlive the issuing CA/,
    );
    expect(() => issueAuthenticationCertificate(ca, { givenName: 'A', familyName: 'B', userUuid: USER, publicKey: key, now: NOW, validDays: 0 })).toThrow(/at least 1/);
  });

  it('a certificate from another service CA does not verify under ours', async () => {
    const file = tempDbFile('cis-ca-other-');
    const other = await openDatabase(file);
    try {
      const foreign = await loadOrCreateCertificateAuthority(other, { passphrase: PASSPHRASE });
      const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
      const cert = new X509Certificate(issueAuthenticationCertificate(foreign, { givenName: 'A', familyName: 'B', userUuid: USER, publicKey: key, now: NOW }).der);
      expect(cert.issuer).toBe(ca.issuing.subject);
      expect(cert.verify(ca.issuingPublicKey)).toBe(false);
      expect(ca.issued(cert)).toBe(false);
    } finally {
      await other.destroy();
      removeDb(file);
    }
  });
});
