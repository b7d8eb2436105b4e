import { verify, X509Certificate, type KeyObject } from 'node:crypto';
import type { AsymmetricAlgorithm } from '../../src-shared/card/virtual-card-state.js';
import { userUuidOf } from '../ca/authentication-certificate.js';
import type { CertificateAuthority } from '../ca/certificate-authority.js';
import { LoginFailure } from './login-failure.js';

// The certificate a card presents at login: parsed, and checked to be signed by our issuing CA.
// Both are pure functions of the certificate bytes, so verified certificates are remembered
// (a card logs in many times): the expensive part is then done once per card, not per login.
// Only what passed the CA check is remembered; dates, revocation and status are checked live.

export interface PresentedCertificate {
  readonly der: Buffer;
  readonly serial: string;
  readonly publicKey: KeyObject;
  /** undefined: a key type no card of ours carries. */
  readonly algorithm: AsymmetricAlgorithm | undefined;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly userUuid: string | undefined;
}

const MAX_REMEMBERED = 4096;
const remembered = new WeakMap<CertificateAuthority, Map<string, PresentedCertificate>>();

function algorithmOf(key: KeyObject): AsymmetricAlgorithm | undefined {
  const d = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa' && d?.modulusLength === 2048) return 'rsa2048';
  if (key.asymmetricKeyType === 'ec' && d?.namedCurve === 'prime256v1') return 'p256';
  return undefined;
}

/** `base64Der` as sent by the agent; throws LoginFailure when unreadable or not ours. */
export function checkPresentedCertificate(ca: CertificateAuthority, base64Der: string): PresentedCertificate {
  let cache = remembered.get(ca);
  if (!cache) remembered.set(ca, (cache = new Map<string, PresentedCertificate>()));
  const hit = cache.get(base64Der);
  if (hit) return hit;

  const der = Buffer.from(base64Der, 'base64');
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch {
    throw new LoginFailure('certificate-unreadable');
  }
  let ours = false;
  try {
    ours = !x509.ca && ca.issued(x509);
  } catch {
    ours = false;
  }
  if (!ours) throw new LoginFailure('certificate-foreign');
  const publicKey = x509.publicKey;
  const checked: PresentedCertificate = {
    der,
    serial: x509.serialNumber.toLowerCase(),
    publicKey,
    algorithm: algorithmOf(publicKey),
    notBefore: new Date(x509.validFrom),
    notAfter: new Date(x509.validTo),
    userUuid: userUuidOf(x509),
  };
  if (cache.size >= MAX_REMEMBERED) cache.delete(cache.keys().next().value as string);
  cache.set(base64Der, checked);
  return checked;
}

/** SHA-256 signature check: PKCS#1 v1.5 for RSA, DER-encoded ECDSA for P-256. */
export function signatureVerifies(certificate: Pick<PresentedCertificate, 'publicKey'>, payload: Buffer, signature: Buffer): boolean {
  try {
    return verify('sha256', payload, { key: certificate.publicKey, dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}
