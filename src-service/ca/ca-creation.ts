import { generateKeyPair, type KeyObject } from 'node:crypto';
import { seal } from '../crypto/secret-box.js';
import { deriveKeyFromPassphrase, encodeKdfParams, newKdfParams } from '../crypto/passphrase-key.js';
import { CA_SECRET_NAMES, type CaRecord } from './ca-storage.js';
import { buildCertificate, keyIdentifier, OID, randomSerial, subjectNameDer, type NameAttribute } from '../../src-shared/crypto/x509-builder.js';

// First start: a root CA (RSA-3072, 20 years) and an issuing CA under it (RSA-2048, 10 years;
// it must outlive the 3-year card certificates it signs). Both private keys leave this function
// only sealed under a key derived from the CA passphrase.

const YEAR_MS = 365.25 * 24 * 3600 * 1000;
const ORGANISATION = 'Care Identity Service';

function keyPair(modulusLength: number): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  return new Promise((resolve, reject) =>
    generateKeyPair('rsa', { modulusLength }, (err, publicKey, privateKey) => (err ? reject(err) : resolve({ publicKey, privateKey }))),
  );
}

const name = (commonName: string): NameAttribute[] => [
  { type: OID.organizationName, value: ORGANISATION },
  { type: OID.commonName, value: commonName },
];

export async function createCaRecord(passphrase: string, now: Date): Promise<CaRecord> {
  const kdf = newKdfParams();
  // Key generation and the passphrase derivation run on the thread pool, side by side.
  const [root, issuing, kek] = await Promise.all([keyPair(3072), keyPair(2048), deriveKeyFromPassphrase(passphrase, kdf)]);
  const notBefore = new Date(now.getTime() - 60_000);
  const rootSpki = root.publicKey.export({ type: 'spki', format: 'der' });
  const issuingSpki = issuing.publicKey.export({ type: 'spki', format: 'der' });
  const rootSubject = name('Care Identity Root CA');

  const rootCertificate = buildCertificate({
    serialHex: randomSerial(),
    issuer: rootSubject,
    subject: rootSubject,
    notBefore,
    notAfter: new Date(now.getTime() + 20 * YEAR_MS),
    subjectPublicKeyInfo: rootSpki,
    extensions: [
      { kind: 'basicConstraints', ca: true },
      { kind: 'keyUsage', usages: ['keyCertSign', 'cRLSign'] },
      { kind: 'subjectKeyIdentifier', keyId: keyIdentifier(rootSpki) },
    ],
    signingKey: root.privateKey,
  });
  const issuingCertificate = buildCertificate({
    serialHex: randomSerial(),
    issuer: subjectNameDer(rootCertificate),
    subject: name('Care Identity Smartcard Issuing CA'),
    notBefore,
    notAfter: new Date(now.getTime() + 10 * YEAR_MS),
    subjectPublicKeyInfo: issuingSpki,
    extensions: [
      // pathLength 0: the issuing CA signs end-entity certificates only.
      { kind: 'basicConstraints', ca: true, pathLength: 0 },
      { kind: 'keyUsage', usages: ['keyCertSign', 'cRLSign'] },
      { kind: 'subjectKeyIdentifier', keyId: keyIdentifier(issuingSpki) },
      { kind: 'authorityKeyIdentifier', keyId: keyIdentifier(rootSpki) },
    ],
    signingKey: root.privateKey,
  });

  const rootPkcs8 = root.privateKey.export({ type: 'pkcs8', format: 'der' });
  const issuingPkcs8 = issuing.privateKey.export({ type: 'pkcs8', format: 'der' });
  try {
    return {
      kdf: encodeKdfParams(kdf),
      rootCertificate,
      rootKey: seal(kek, rootPkcs8, CA_SECRET_NAMES.rootKey),
      issuingCertificate,
      issuingKey: seal(kek, issuingPkcs8, CA_SECRET_NAMES.issuingKey),
    };
  } finally {
    rootPkcs8.fill(0);
    issuingPkcs8.fill(0);
    kek.fill(0);
  }
}
