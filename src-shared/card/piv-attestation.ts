import { createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { buildCertificate, keyIdentifier, OID, randomSerial, subjectNameDer } from '../crypto/x509-builder.js';
import type { AttestationKeyState } from './virtual-card-state.js';

// Yubico PIV attestation: asked `00 F9 <slot> 00`, the card signs with its attestation key
// (slot F9) an X.509 certificate for the public key in <slot>, and does so only for a key it
// generated itself. Whoever knows the card's attestation public key can then tell a key made
// on that card from one made anywhere else. The certificate carries, as a YubiKey's does, the
// firmware version, the card's serial and the slot's PIN and touch policies in Yubico's
// extensions; its subject names the slot and its validity is the attestation certificate's.
//
// Built here (not in the virtual card) because the card factory makes the attestation key and
// tests play a card's part; read here because the service and the tests check it the same way.

export const YUBICO_EXTENSION = {
  /** Three raw bytes: major, minor, patch. */
  firmwareVersion: '1.3.6.1.4.1.41482.3.3',
  /** A DER INTEGER: the card's serial (GET SERIAL). */
  serialNumber: '1.3.6.1.4.1.41482.3.7',
  /** Two raw bytes: PIN policy, touch policy (the values GET METADATA reports). */
  policy: '1.3.6.1.4.1.41482.3.8',
} as const;

/** RFC 5280 §4.1.2.5: "no well-defined expiration date". The card outlives its certificates. */
const NO_EXPIRY = new Date('9999-12-31T23:59:59Z');
const BACKDATE_MS = 60_000;
/** An attestation certificate is well under 1 KiB; anything far larger is not one. */
const MAX_ATTESTATION_BYTES = 4096;

/** A new P-256 attestation key and its self-signed certificate, named `commonName`. */
export function newAttestationKey(commonName: string, now: Date): AttestationKeyState {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  // Self-signed: the attestation key is trusted because the directory registered it for this
  // card, not by a chain. A certificate from the service's CA would instead let anyone holding
  // the key (a virtual card's state file) mint certificates that chain to it.
  const certificate = buildCertificate({
    serialHex: randomSerial(),
    issuer: [{ type: OID.commonName, value: commonName }],
    subject: [{ type: OID.commonName, value: commonName }],
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: NO_EXPIRY,
    subjectPublicKeyInfo: spki,
    extensions: [
      { kind: 'basicConstraints', ca: true, pathLength: 0 },
      { kind: 'keyUsage', usages: ['keyCertSign'] },
      { kind: 'subjectKeyIdentifier', keyId: keyIdentifier(spki) },
    ],
    signingKey: privateKey,
  });
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  try {
    return { algorithm: 'p256', pkcs8: pkcs8.toString('base64'), certificate: certificate.toString('base64') };
  } finally {
    pkcs8.fill(0);
  }
}

/** The attestation key's public half (SubjectPublicKeyInfo, DER): what the directory registers. */
export function attestationPublicKey(attestation: AttestationKeyState): Buffer {
  const privateKey = createPrivateKey({ key: Buffer.from(attestation.pkcs8, 'base64'), format: 'der', type: 'pkcs8' });
  return createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
}

export interface AttestationRequest {
  /** The attestation key and the certificate naming it (the issuer and validity copied from it). */
  readonly signingKey: KeyObject;
  readonly attestationCertificate: Buffer;
  /** The attested slot's key reference (0x9a ...). */
  readonly slot: number;
  readonly publicKey: KeyObject;
  readonly serial: number;
  readonly version: readonly [number, number, number];
  /** PIN policy and touch policy bytes. */
  readonly policy: readonly [number, number];
}

/** The attestation certificate for `publicKey` in `slot` (DER). */
export function attestationCertificate(r: AttestationRequest): Buffer {
  const issuer = new X509Certificate(r.attestationCertificate);
  return buildCertificate({
    serialHex: randomSerial(),
    issuer: subjectNameDer(r.attestationCertificate),
    subject: [{ type: OID.commonName, value: `PIV Attestation ${slotName(r.slot)}` }],
    notBefore: certificateDate(issuer.validFrom),
    notAfter: certificateDate(issuer.validTo),
    subjectPublicKeyInfo: r.publicKey.export({ type: 'spki', format: 'der' }),
    extensions: [
      { kind: 'other', oid: YUBICO_EXTENSION.firmwareVersion, value: Buffer.from(r.version) },
      { kind: 'other', oid: YUBICO_EXTENSION.serialNumber, value: derInteger(r.serial) },
      { kind: 'other', oid: YUBICO_EXTENSION.policy, value: Buffer.from(r.policy) },
    ],
    signingKey: r.signingKey,
  });
}

export class AttestationFormatError extends Error {
  override name = 'AttestationFormatError';
}

export interface ReadAttestation {
  readonly certificate: X509Certificate;
  /** The attested key's SubjectPublicKeyInfo, DER as node:crypto exports it. */
  readonly spki: Buffer;
  /** Yubico's serial extension, when present. */
  readonly serial: number | undefined;
  /** The slot its subject names ("... Attestation 9a"), when it names one. */
  readonly slot: number | undefined;
}

/** Parses an attestation certificate from a workstation; every failure is an AttestationFormatError. */
export function readAttestation(der: Buffer): ReadAttestation {
  if (der.length === 0 || der.length > MAX_ATTESTATION_BYTES) throw new AttestationFormatError('it is not the size of an attestation certificate');
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(der);
  } catch {
    throw new AttestationFormatError('it is not an X.509 certificate');
  }
  // node:crypto accepts a certificate followed by other bytes; the signature covers only the first.
  if (!certificate.raw.equals(der)) throw new AttestationFormatError('it has bytes after the certificate');
  const serialValue = extensionValue(der, YUBICO_EXTENSION.serialNumber);
  const slotMatch = /^CN=.*Attestation ([0-9a-f]{2})$/im.exec(certificate.subject);
  return {
    certificate,
    spki: certificate.publicKey.export({ type: 'spki', format: 'der' }),
    serial: serialValue === undefined ? undefined : readDerInteger(serialValue),
    slot: slotMatch ? parseInt(slotMatch[1] as string, 16) : undefined,
  };
}

const slotName = (keyRef: number): string => keyRef.toString(16).padStart(2, '0').toUpperCase();

function certificateDate(text: string): Date {
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new RangeError(`unreadable certificate date: ${text}`);
  return date;
}

/** A non-negative INTEGER, DER: minimal big-endian bytes, a leading zero when the top bit is set. */
function derInteger(value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError('a card serial is a non-negative integer');
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let content = Buffer.from(hex, 'hex');
  if ((content[0] as number) & 0x80) content = Buffer.concat([Buffer.from([0]), content]);
  return Buffer.concat([Buffer.from([0x02, content.length]), content]);
}

function readDerInteger(value: Buffer): number {
  const length = value[1];
  if (value[0] !== 0x02 || length === undefined || length < 1 || length > 5 || value.length !== 2 + length) {
    throw new AttestationFormatError('its serial number extension is not a small INTEGER');
  }
  const content = value.subarray(2);
  if ((content[0] as number) & 0x80) throw new AttestationFormatError('its serial number is negative');
  return content.reduce((acc, b) => acc * 256 + b, 0);
}

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

/** The extnValue contents of extension `oid`, or undefined when the certificate has none. */
function extensionValue(der: Buffer, oid: string): Buffer | undefined {
  let tbs: Asn1[];
  try {
    const root = (asn1.fromDer as unknown as (bytes: string, options: object) => Asn1)(der.toString('binary'), { strict: true, decodeBitStrings: false });
    tbs = ((root.value as Asn1[])[0] as Asn1).value as Asn1[];
  } catch {
    throw new AttestationFormatError('its structure could not be read');
  }
  const explicit = tbs.find((n) => n.tagClass === asn1.Class.CONTEXT_SPECIFIC && n.type === 3);
  const extensions = explicit ? ((explicit.value as Asn1[])[0]?.value as Asn1[] | undefined) : undefined;
  for (const extension of extensions ?? []) {
    const parts = extension.value as Asn1[];
    const id = parts[0];
    const octets = parts.at(-1);
    if (!id || !octets || id.type !== asn1.Type.OID || octets.type !== asn1.Type.OCTETSTRING) continue;
    if (asn1.derToOid(id.value as string) === oid) return Buffer.from(octets.value as string, 'binary');
  }
  return undefined;
}
