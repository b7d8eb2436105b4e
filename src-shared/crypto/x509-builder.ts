import { createHash, randomBytes, sign, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

// Builds X.509 v3 certificates with node-forge's ASN.1 model, signed with node:crypto.
//
// Why the two libraries: forge lays out the TBSCertificate (names, validity, extensions), but
// it can only represent RSA public keys. A card's 9A key may be P-256, so the subject's
// SubjectPublicKeyInfo comes from node:crypto (`KeyObject.export({ type: 'spki' })`) and is
// substituted into the TBSCertificate at the ASN.1 level before it is signed. Signing goes through
// node:crypto (OpenSSL, constant-time) rather than forge's JavaScript RSA. The issuer's key may be
// RSA (the service's CA) or P-256 (a card's attestation key, src-main/virtual-card): forge has no
// ECDSA, so the signature algorithm is likewise set at the ASN.1 level.

const { asn1, pki } = forge;

export const OID = {
  commonName: '2.5.4.3',
  organizationName: '2.5.4.10',
  /** RFC 4519 `uid`: where the holder's user UUID is carried in a card certificate. */
  userId: '0.9.2342.19200300.100.1.1',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  cRLDistributionPoints: '2.5.29.31',
  cRLNumber: '2.5.29.20',
  reasonCode: '2.5.29.21',
} as const;

/** One attribute of a distinguished name; values are encoded as UTF8String. */
export interface NameAttribute {
  readonly type: string;
  readonly value: string;
}

export type Extension =
  | { readonly kind: 'basicConstraints'; readonly ca: boolean; readonly pathLength?: number }
  | { readonly kind: 'keyUsage'; readonly usages: readonly ('digitalSignature' | 'keyCertSign' | 'cRLSign')[] }
  | { readonly kind: 'extKeyUsage'; readonly purposes: readonly 'clientAuth'[] }
  | { readonly kind: 'subjectKeyIdentifier'; readonly keyId: Buffer }
  | { readonly kind: 'authorityKeyIdentifier'; readonly keyId: Buffer }
  /** Where the issuer's revocation list is published (RFC 5280 §4.2.1.13): one URL. */
  | { readonly kind: 'crlDistributionPoint'; readonly url: string }
  /** Any other non-critical extension: `value` is the extnValue's contents, DER or raw as its definition says. */
  | { readonly kind: 'other'; readonly oid: string; readonly value: Buffer };

export interface CertificateTemplate {
  /** Positive serial as hex (even length, first byte below 0x80). */
  readonly serialHex: string;
  /** The issuer's Name exactly as DER (its certificate's subject), or attributes for a root. */
  readonly issuer: Buffer | readonly NameAttribute[];
  readonly subject: readonly NameAttribute[];
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** The subject's SubjectPublicKeyInfo, DER (RSA or EC). */
  readonly subjectPublicKeyInfo: Buffer;
  readonly extensions: readonly Extension[];
  /** The issuer's private key: RSA (signed sha256WithRSAEncryption) or EC (ecdsa-with-SHA256). */
  readonly signingKey: KeyObject;
}

/** 16 random bytes, positive, no leading zero byte: the same hex whoever prints it. */
export function randomSerial(): string {
  const b = randomBytes(16);
  b[0] = (b[0] as number) & 0x7f || 0x01;
  return b.toString('hex');
}

const bin = (b: Uint8Array): string => Buffer.from(b).toString('binary');
const buf = (s: string): Buffer => Buffer.from(s, 'binary');

// Typed views of two forge functions its type definitions leave out. Bit strings stay opaque
// bytes: forge would otherwise try to parse a public key's bits as ASN.1 and re-encode them.
export const fromDer = (der: Uint8Array): forge.asn1.Asn1 =>
  (asn1.fromDer as unknown as (bytes: string, options: { decodeBitStrings: boolean }) => forge.asn1.Asn1)(bin(der), { decodeBitStrings: false });
const getTBSCertificate = (cert: forge.pki.Certificate): forge.asn1.Asn1 =>
  (pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey BIT STRING (without its unused-bits byte). */
export function keyIdentifier(spkiDer: Buffer): Buffer {
  const spki = fromDer(spkiDer);
  const bitString = (spki.value as forge.asn1.Asn1[])[1];
  if (!bitString || bitString.type !== asn1.Type.BITSTRING || typeof bitString.value !== 'string') {
    throw new Error('not a SubjectPublicKeyInfo');
  }
  return createHash('sha1').update(buf(bitString.value).subarray(1)).digest();
}

function nameToAsn1(attributes: readonly NameAttribute[]): forge.asn1.Asn1 {
  return pki.distinguishedNameToAsn1({
    attributes: attributes.map((a) => ({ type: a.type, value: a.value, valueTagClass: asn1.Type.UTF8 })),
  } as unknown as forge.pki.Certificate['subject']);
}

function extensionToForge(e: Extension): Record<string, unknown> {
  switch (e.kind) {
    case 'basicConstraints':
      return { name: 'basicConstraints', critical: true, cA: e.ca, ...(e.pathLength !== undefined ? { pathLenConstraint: e.pathLength } : {}) };
    case 'keyUsage':
      return { name: 'keyUsage', critical: true, ...Object.fromEntries(e.usages.map((u) => [u, true])) };
    case 'extKeyUsage':
      return { name: 'extKeyUsage', ...Object.fromEntries(e.purposes.map((p) => [p, true])) };
    case 'subjectKeyIdentifier':
      // Given as a ready value: forge would otherwise derive it from its own (placeholder) key.
      return { id: OID.subjectKeyIdentifier, value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OCTETSTRING, false, bin(e.keyId)) };
    case 'authorityKeyIdentifier':
      return {
        id: OID.authorityKeyIdentifier,
        value: asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, false, bin(e.keyId))]),
      };
    case 'crlDistributionPoint':
      return { id: OID.cRLDistributionPoints, value: crlDistributionPoints(e.url) };
    case 'other':
      // A string value is taken by forge as the extnValue's bytes, unchanged.
      return { id: e.oid, critical: false, value: bin(e.value) };
  }
}

/**
 * CRLDistributionPoints with one DistributionPoint whose fullName is one uniformResourceIdentifier:
 * SEQUENCE { SEQUENCE { [0] { [0] { [6] url } } } } (RFC 5280 §4.2.1.13, tags implicit).
 */
function crlDistributionPoints(url: string): forge.asn1.Asn1 {
  if (!/^https?:\/\/[\x21-\x7e]+$/.test(url)) throw new RangeError('a distribution point is an http(s) URL of printable ASCII');
  const uri = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 6, false, url);
  const fullName = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [uri]);
  const distributionPointName = asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, [fullName]);
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [distributionPointName])]);
}

// forge needs *a* public key to lay out the TBSCertificate; it is replaced before signing.
let placeholderKey: forge.pki.rsa.PublicKey | undefined;
function placeholder(): forge.pki.rsa.PublicKey {
  placeholderKey ??= pki.setRsaPublicKey(new forge.jsbn.BigInteger('3'), new forge.jsbn.BigInteger('3'));
  return placeholderKey;
}

// TBSCertificate fields by position (RFC 5280 §4.1): version, serial, signature, issuer,
// validity, subject, subjectPublicKeyInfo, [extensions].
const TBS_SIGNATURE = 2;
const TBS_ISSUER = 3;
const TBS_SUBJECT = 5;
const TBS_SPKI = 6;

/** RFC 4055 §5: sha256WithRSAEncryption carries NULL parameters; RFC 5758 §3.2: ECDSA none. */
export function signatureAlgorithm(signingKey: KeyObject): forge.asn1.Asn1 {
  const type = signingKey.asymmetricKeyType;
  if (type !== 'rsa' && type !== 'ec') throw new RangeError('certificates are signed with an RSA or EC key');
  const oid = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(type === 'rsa' ? OID.sha256WithRSAEncryption : OID.ecdsaWithSHA256).getBytes());
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, type === 'rsa' ? [oid, asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')] : [oid]);
}

/** Returns the DER certificate. */
export function buildCertificate(t: CertificateTemplate): Buffer {
  if (!/^(?:[0-9a-f]{2})+$/.test(t.serialHex) || parseInt(t.serialHex.slice(0, 2), 16) >= 0x80) {
    throw new RangeError('serial must be positive, even-length lower-case hex');
  }
  const cert = pki.createCertificate();
  cert.serialNumber = t.serialHex;
  cert.validity.notBefore = t.notBefore;
  cert.validity.notAfter = t.notAfter;
  cert.publicKey = placeholder();
  cert.siginfo.algorithmOid = OID.sha256WithRSAEncryption;
  // Names go in as ASN.1 below; forge only needs something to encode in the meantime.
  cert.setSubject([]);
  cert.setIssuer([]);
  cert.setExtensions(t.extensions.map(extensionToForge));

  const tbs = getTBSCertificate(cert);
  const fields = tbs.value as forge.asn1.Asn1[];
  fields[TBS_SIGNATURE] = signatureAlgorithm(t.signingKey);
  fields[TBS_ISSUER] = Buffer.isBuffer(t.issuer) ? fromDer(t.issuer) : nameToAsn1(t.issuer);
  fields[TBS_SUBJECT] = nameToAsn1(t.subject);
  fields[TBS_SPKI] = fromDer(t.subjectPublicKeyInfo);

  const tbsDer = buf(asn1.toDer(tbs).getBytes());
  // ECDSA signatures come out as DER SEQUENCE { r, s }, the form X.509 carries (RFC 5758 §3.2).
  const signature = sign('sha256', tbsDer, t.signingKey);
  const certificate = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, [
    tbs,
    signatureAlgorithm(t.signingKey),
    asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, `\u0000${bin(signature)}`),
  ]);
  return buf(asn1.toDer(certificate).getBytes());
}

/** The subject Name of a DER certificate, as DER: what certificates it issues name as issuer. */
export function subjectNameDer(certificateDer: Buffer): Buffer {
  const cert = fromDer(certificateDer);
  const tbs = (cert.value as forge.asn1.Asn1[])[0] as forge.asn1.Asn1;
  const subject = (tbs.value as forge.asn1.Asn1[])[TBS_SUBJECT] as forge.asn1.Asn1;
  return buf(asn1.toDer(subject).getBytes());
}
