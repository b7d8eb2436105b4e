import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import forge from 'node-forge';

// PKCS#10 certification requests (RFC 2986) for a card's 9A key: the agent lays out the
// CertificationRequestInfo, the card signs it, the agent assembles the request; the service
// parses and checks it before the CA issues.
//
// Built on forge's ASN.1 layer alone: forge's CSR objects only know RSA keys, and a card key may
// be P-256. Signatures are checked with node:crypto (OpenSSL) over the exact bytes received.
//
// Parsing is strict because the input comes from a workstation: bounded size, DER only (the
// bytes must re-encode to themselves), the exact RFC 2986 shape, nothing after the request, and
// every failure is a CertificationRequestError (never a forge or OpenSSL exception).

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

export type RequestAlgorithm = 'rsa2048' | 'p256';

export class CertificationRequestError extends Error {
  override readonly name = 'CertificationRequestError';
}

export interface VerifiedCertificationRequest {
  readonly publicKey: KeyObject;
  /** The card algorithm the key is, or undefined for any other key the signature still checks with. */
  readonly algorithm: RequestAlgorithm | undefined;
  /** The subject's single commonName, or null when the subject has none. */
  readonly commonName: string | null;
}

/** A request for a card key is well under 1 KiB; anything far larger is not one. */
const MAX_REQUEST_BYTES = 4096;
/** X.520 ub-common-name. */
const MAX_COMMON_NAME_LENGTH = 64;

const OID = {
  commonName: '2.5.4.3',
  sha256WithRSAEncryption: '1.2.840.113549.1.1.11',
  ecdsaWithSHA256: '1.2.840.10045.4.3.2',
} as const;

const bin = (b: Uint8Array): string => Buffer.from(b).toString('binary');
const buf = (s: string): Buffer => Buffer.from(s, 'binary');
const toDer = (a: Asn1): Buffer => buf(asn1.toDer(a).getBytes());

const seq = (items: Asn1[]): Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SEQUENCE, true, items);
const oid = (dotted: string): Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, asn1.oidToDer(dotted).getBytes());

// Bit strings stay opaque bytes (forge would otherwise try to read a key or signature as ASN.1).
const fromDer = (der: Buffer): Asn1 =>
  (asn1.fromDer as unknown as (bytes: string, options: object) => Asn1)(bin(der), {
    strict: true,
    parseAllBytes: true,
    decodeBitStrings: false,
    maxDepth: 16,
  });

function algorithmIdentifier(algorithm: RequestAlgorithm): Asn1 {
  // RFC 4055 §5: sha256WithRSAEncryption carries NULL parameters; RFC 5758 §3.2: ECDSA none.
  return algorithm === 'rsa2048'
    ? seq([oid(OID.sha256WithRSAEncryption), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.NULL, false, '')])
    : seq([oid(OID.ecdsaWithSHA256)]);
}

/** DER of the CertificationRequestInfo: version 0, subject CN, the key, no attributes. */
export function certificationRequestInfo(input: { spki: Buffer; commonName: string }): Buffer {
  if (input.commonName.length === 0 || input.commonName.length > MAX_COMMON_NAME_LENGTH) {
    throw new CertificationRequestError(`the common name must be 1 to ${MAX_COMMON_NAME_LENGTH} characters`);
  }
  const spki = parseDer(input.spki, 'the public key');
  const cn = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.UTF8, false, forge.util.encodeUtf8(input.commonName));
  const subject = seq([asn1.create(asn1.Class.UNIVERSAL, asn1.Type.SET, true, [seq([oid(OID.commonName), cn])])]);
  return toDer(
    seq([
      asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, '\x00'),
      subject,
      spki,
      asn1.create(asn1.Class.CONTEXT_SPECIFIC, 0, true, []),
    ]),
  );
}

/** DER of the CertificationRequest: the info exactly as given, the algorithm and the card's signature. */
export function assembleCertificationRequest(info: Buffer, algorithm: RequestAlgorithm, signature: Buffer): Buffer {
  const infoAsn1 = parseDer(info, 'the request info');
  const bits = asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BITSTRING, false, '\x00' + bin(signature));
  return toDer(seq([infoAsn1, algorithmIdentifier(algorithm), bits]));
}

/** Parses the request strictly and checks its signature; throws CertificationRequestError otherwise. */
export function verifyCertificationRequest(der: Buffer): VerifiedCertificationRequest {
  if (der.length > MAX_REQUEST_BYTES) throw new CertificationRequestError('the request is too large');
  const request = parseDer(der, 'the request');
  const [info, signatureAlgorithm, signatureBits] = children(request, 3, 'CertificationRequest');
  const [version, subject, spki, attributes] = children(info, 4, 'CertificationRequestInfo');

  expectUniversal(version, asn1.Type.INTEGER, 'version');
  if (version.value !== '\x00') throw new CertificationRequestError('the request version is not 0');
  const commonName = readCommonName(subject);
  if (attributes.tagClass !== asn1.Class.CONTEXT_SPECIFIC || attributes.type !== 0 || !attributes.constructed) {
    throw new CertificationRequestError('the request attributes are malformed');
  }
  for (const attribute of attributes.value as Asn1[]) {
    const [type, values] = children(attribute, 2, 'Attribute');
    expectUniversal(type, asn1.Type.OID, 'attribute type');
    expectUniversal(values, asn1.Type.SET, 'attribute values');
  }

  const publicKey = readPublicKey(spki);
  const algorithm = keyAlgorithm(publicKey);
  const signature = readBitString(signatureBits, 'signature');
  const infoBytes = toDer(info);
  const expectedAlgorithm = publicKey.asymmetricKeyType === 'rsa' ? 'rsa2048' : publicKey.asymmetricKeyType === 'ec' ? 'p256' : undefined;
  if (expectedAlgorithm === undefined) throw new CertificationRequestError('the request key is neither RSA nor EC');
  if (!toDer(signatureAlgorithm).equals(toDer(algorithmIdentifier(expectedAlgorithm)))) {
    throw new CertificationRequestError(
      `the signature algorithm must be ${expectedAlgorithm === 'rsa2048' ? 'sha256WithRSAEncryption' : 'ecdsa-with-SHA256'} for this key`,
    );
  }

  let valid: boolean;
  try {
    valid = verify('sha256', infoBytes, publicKey, signature);
  } catch {
    valid = false;
  }
  if (!valid) throw new CertificationRequestError('the request signature does not verify');
  return { publicKey, algorithm, commonName };
}

function parseDer(der: Buffer, what: string): Asn1 {
  let parsed: Asn1;
  try {
    parsed = fromDer(der);
  } catch {
    throw new CertificationRequestError(`${what} is not well-formed DER`);
  }
  // BER leniencies (long-form or indefinite lengths, trailing bytes) do not survive re-encoding.
  let again: Buffer;
  try {
    again = toDer(parsed);
  } catch {
    throw new CertificationRequestError(`${what} is not well-formed DER`);
  }
  if (!again.equals(der)) throw new CertificationRequestError(`${what} is not in canonical DER`);
  return parsed;
}

type Fields<N extends number, T extends Asn1[] = []> = T['length'] extends N ? T : Fields<N, [...T, Asn1]>;

function children<N extends 2 | 3 | 4>(node: Asn1, count: N, what: string): Fields<N> {
  if (node.tagClass !== asn1.Class.UNIVERSAL || node.type !== asn1.Type.SEQUENCE || !node.constructed) {
    throw new CertificationRequestError(`${what} is not a SEQUENCE`);
  }
  const items = node.value as Asn1[];
  if (items.length !== count) throw new CertificationRequestError(`${what} has ${items.length} fields, not ${count}`);
  return items as Fields<N>;
}

function expectUniversal(node: Asn1, type: number, what: string): void {
  const constructed = type === asn1.Type.SEQUENCE || type === asn1.Type.SET;
  if (node.tagClass !== asn1.Class.UNIVERSAL || node.type !== type || node.constructed !== constructed) {
    throw new CertificationRequestError(`the ${what} is malformed`);
  }
}

function readBitString(node: Asn1, what: string): Buffer {
  expectUniversal(node, asn1.Type.BITSTRING, what);
  const bytes = buf(node.value as string);
  if (bytes.length < 2 || bytes[0] !== 0) throw new CertificationRequestError(`the ${what} is not whole bytes`);
  return bytes.subarray(1);
}

function readPublicKey(spki: Asn1): KeyObject {
  const [algorithm, key] = children(spki, 2, 'SubjectPublicKeyInfo');
  expectUniversal(algorithm, asn1.Type.SEQUENCE, 'public key algorithm');
  readBitString(key, 'public key');
  try {
    return createPublicKey({ key: toDer(spki), format: 'der', type: 'spki' });
  } catch {
    throw new CertificationRequestError('the request public key is not usable');
  }
}

function keyAlgorithm(key: KeyObject): RequestAlgorithm | undefined {
  const details = key.asymmetricKeyDetails;
  if (key.asymmetricKeyType === 'rsa' && details?.modulusLength === 2048) return 'rsa2048';
  if (key.asymmetricKeyType === 'ec' && details?.namedCurve === 'prime256v1') return 'p256';
  return undefined;
}

function readCommonName(subject: Asn1): string | null {
  expectUniversal(subject, asn1.Type.SEQUENCE, 'subject');
  const names: string[] = [];
  for (const rdn of subject.value as Asn1[]) {
    expectUniversal(rdn, asn1.Type.SET, 'subject');
    const atvs = rdn.value as Asn1[];
    if (atvs.length === 0) throw new CertificationRequestError('the subject has an empty RDN');
    for (const atv of atvs) {
      const [type, value] = children(atv, 2, 'AttributeTypeAndValue');
      expectUniversal(type, asn1.Type.OID, 'subject attribute type');
      if (value.tagClass !== asn1.Class.UNIVERSAL || value.constructed) throw new CertificationRequestError('the subject attribute value is malformed');
      if (asn1.derToOid(type.value as string) === OID.commonName) names.push(decodeString(value));
    }
  }
  if (names.length > 1) throw new CertificationRequestError('the subject has more than one common name');
  return names[0] ?? null;
}

function decodeString(value: Asn1): string {
  const raw = buf(value.value as string);
  let text: string;
  switch (value.type) {
    case asn1.Type.UTF8:
      try {
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw);
      } catch {
        throw new CertificationRequestError('the common name is not valid UTF-8');
      }
      break;
    case asn1.Type.PRINTABLESTRING:
    case asn1.Type.IA5STRING:
      if (raw.some((c) => c > 0x7e || c < 0x20)) throw new CertificationRequestError('the common name has characters its string type forbids');
      text = raw.toString('latin1');
      break;
    case asn1.Type.BMPSTRING:
      if (raw.length % 2 !== 0) throw new CertificationRequestError('the common name is not a whole BMPString');
      text = Buffer.from(raw).swap16().toString('utf16le');
      break;
    default:
      throw new CertificationRequestError('the common name has an unsupported string type');
  }
  if (text.length === 0 || text.length > MAX_COMMON_NAME_LENGTH) {
    throw new CertificationRequestError(`the common name must be 1 to ${MAX_COMMON_NAME_LENGTH} characters`);
  }
  return text;
}
