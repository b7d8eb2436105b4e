import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isoCBOR } from '@simplewebauthn/server/helpers';
import forge from 'node-forge';

// A software WebAuthn authenticator for service tests: makes a P-256 credential and answers
// registration (packed self attestation, 'none', or packed with a certificate chain to a root
// the test made) and sign-in challenges, as a browser would hand them to the page's script.
// Flags and the counter are the test's to choose, so it can play a key without user
// verification, a synced passkey, or a cloned key whose counter went back.

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest();

const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_BE = 0x08;
const FLAG_BS = 0x10;
const FLAG_AT = 0x40;

export interface Attestation {
  /** The attestation certificate (DER) and the key that signs with it (RSA, RS256). */
  readonly leafDer: Buffer;
  readonly leafKey: KeyObject;
  /** The root it chains to, PEM: what a deployment would list as trusted. */
  readonly rootPem: string;
}

function certificate(subject: forge.pki.CertificateField[], issuer: forge.pki.CertificateField[], keys: forge.pki.rsa.KeyPair, signer: forge.pki.rsa.PrivateKey, ca: boolean): forge.pki.Certificate {
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = `0${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 86_400_000 * 365 * 2);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000 * 365 * 5);
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  cert.setExtensions([{ name: 'basicConstraints', cA: ca }, ...(ca ? [{ name: 'keyUsage', keyCertSign: true, cRLSign: true }] : [])]);
  cert.sign(signer, forge.md.sha256.create());
  return cert;
}

/** A vendor root and an attestation certificate under it, shaped as packed attestation requires. */
export function makeAttestation(): Attestation {
  const rootKeys = forge.pki.rsa.generateKeyPair(2048);
  const leafKeys = forge.pki.rsa.generateKeyPair(2048);
  const rootName = [{ name: 'commonName', value: 'Test Key Vendor Root' }, { name: 'organizationName', value: 'Test Key Vendor' }, { name: 'countryName', value: 'GB' }];
  const leafName = [
    { name: 'commonName', value: 'Test Key Attestation' },
    { name: 'organizationName', value: 'Test Key Vendor' },
    { shortName: 'OU', value: 'Authenticator Attestation' },
    { name: 'countryName', value: 'GB' },
  ];
  const root = certificate(rootName, rootName, rootKeys, rootKeys.privateKey, true);
  const leaf = certificate(leafName, rootName, leafKeys, rootKeys.privateKey, false);
  return {
    leafDer: Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(leaf)).getBytes(), 'binary'),
    leafKey: createPrivateKey(forge.pki.privateKeyToPem(leafKeys.privateKey)),
    rootPem: forge.pki.certificateToPem(root),
  };
}

export interface RegisterOptions {
  readonly origin: string;
  readonly challenge: string;
  readonly rpId: string;
  readonly userVerified?: boolean;
  /** A synced passkey (backup eligible and backed up). */
  readonly synced?: boolean;
  readonly attestation?: 'none' | 'self' | Attestation;
  readonly type?: string;
}

export class SoftAuthenticator {
  readonly credentialId = randomBytes(32);
  private readonly keys = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  counter = 0;

  get id(): string {
    return b64url(this.credentialId);
  }

  /** The credential's public key as a COSE key, as the service stores it. */
  coseKey(): Uint8Array {
    const jwk = this.keys.publicKey.export({ format: 'jwk' });
    return isoCBOR.encode(
      new Map<number, number | Uint8Array>([
        [1, 2],
        [3, -7],
        [-1, 1],
        [-2, Buffer.from(jwk.x as string, 'base64url')],
        [-3, Buffer.from(jwk.y as string, 'base64url')],
      ]),
    );
  }

  private authData(rpId: string, flags: number, attested: boolean): Buffer {
    const counter = Buffer.alloc(4);
    counter.writeUInt32BE(this.counter);
    if (!attested) return Buffer.concat([sha256(rpId), Buffer.from([flags]), counter]);
    const length = Buffer.alloc(2);
    length.writeUInt16BE(this.credentialId.length);
    return Buffer.concat([sha256(rpId), Buffer.from([flags | FLAG_AT]), counter, Buffer.alloc(16), length, this.credentialId, this.coseKey()]);
  }

  /** A RegistrationResponseJSON for navigator.credentials.create with these options. */
  register(o: RegisterOptions): Record<string, unknown> {
    const clientDataJSON = Buffer.from(JSON.stringify({ type: o.type ?? 'webauthn.create', challenge: o.challenge, origin: o.origin, crossOrigin: false }));
    const flags = FLAG_UP | (o.userVerified === false ? 0 : FLAG_UV) | (o.synced === true ? FLAG_BE | FLAG_BS : 0);
    const authData = this.authData(o.rpId, flags, true);
    const signed = Buffer.concat([authData, sha256(clientDataJSON)]);
    const attestation = o.attestation ?? 'self';
    const attStmt =
      attestation === 'none'
        ? new Map()
        : attestation === 'self'
          ? new Map<string, number | Uint8Array>([['alg', -7], ['sig', sign('sha256', signed, this.keys.privateKey)]])
          : new Map<string, number | Uint8Array | Uint8Array[]>([['alg', -257], ['sig', sign('sha256', signed, attestation.leafKey)], ['x5c', [attestation.leafDer]]]);
    const attestationObject = isoCBOR.encode(new Map<string, unknown>([['fmt', attestation === 'none' ? 'none' : 'packed'], ['attStmt', attStmt], ['authData', authData]]) as never);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: { clientDataJSON: b64url(clientDataJSON), attestationObject: b64url(attestationObject), transports: ['usb'] },
      clientExtensionResults: {},
      authenticatorAttachment: 'cross-platform',
    };
  }

  /** An AuthenticationResponseJSON for navigator.credentials.get; the counter goes up by one first unless `counter` is given. */
  authenticate(o: { origin: string; challenge: string; rpId: string; userVerified?: boolean; counter?: number; userHandle?: string }): Record<string, unknown> {
    this.counter = o.counter ?? this.counter + 1;
    const clientDataJSON = Buffer.from(JSON.stringify({ type: 'webauthn.get', challenge: o.challenge, origin: o.origin, crossOrigin: false }));
    const authenticatorData = this.authData(o.rpId, FLAG_UP | (o.userVerified === false ? 0 : FLAG_UV), false);
    const signature = sign('sha256', Buffer.concat([authenticatorData, sha256(clientDataJSON)]), this.keys.privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: 'public-key',
      response: {
        clientDataJSON: b64url(clientDataJSON),
        authenticatorData: b64url(authenticatorData),
        signature: b64url(signature),
        ...(o.userHandle !== undefined ? { userHandle: o.userHandle } : {}),
      },
      clientExtensionResults: {},
      authenticatorAttachment: 'cross-platform',
    };
  }
}
