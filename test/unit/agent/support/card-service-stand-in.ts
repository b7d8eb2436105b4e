import { generateKeyPairSync, randomUUID, X509Certificate, type KeyObject } from 'node:crypto';
import { issueAuthenticationCertificate } from '../../../../src-service/ca/authentication-certificate.js';
import { CertificateAuthority } from '../../../../src-service/ca/certificate-authority.js';
import { newManagementKey, newPuk } from '../../../../src-service/crypto/card-secrets.js';
import type { CardReadout } from '../../../../src-shared/api/cim-cards.js';
import { readAttestation } from '../../../../src-shared/card/piv-attestation.js';
import { verifyCertificationRequest } from '../../../../src-shared/crypto/pkcs10.js';
import { buildCertificate, keyIdentifier, OID, randomSerial, subjectNameDer } from '../../../../src-shared/crypto/x509-builder.js';
import { ALG } from '../../../../src-main/card/piv/piv-constants.js';
import { localManagementKeyResponder } from '../../../../src-main/card/piv/piv-management-key.js';
import type { IssueRelay, ServiceKeyRelay } from '../../../../src-main/agent/card-lifecycle-types.js';

// The identity service's half of issuing, repairing and clearing a card, played in this process
// with real cryptography: a CA (root and issuing, x509-builder) issuing card certificates with
// the service's own profile, the service's AES-128 management key answering the card's
// challenge, a new PUK, and the SET MANAGEMENT KEY command as the service builds it. The
// request and the card's attestation of its key are checked as the service checks them.

const YEAR_MS = 365 * 24 * 3600 * 1000;
export const HOLDER = { givenName: 'Amelia', familyName: 'Hart', userUuid: randomUUID() } as const;
export const HOLDER_NAME = `${HOLDER.givenName} ${HOLDER.familyName}`;

/** A root and an issuing CA, both P-256 (quick to make), valid ten years. */
export function testCertificateAuthority(): CertificateAuthority {
  const now = new Date();
  const notAfter = new Date(now.getTime() + 10 * YEAR_MS);
  const root = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const issuing = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = (k: KeyObject): Buffer => k.export({ type: 'spki', format: 'der' });
  const rootDer = buildCertificate({
    serialHex: randomSerial(),
    issuer: [{ type: OID.commonName, value: 'Test Root CA' }],
    subject: [{ type: OID.commonName, value: 'Test Root CA' }],
    notBefore: new Date(now.getTime() - 60_000),
    notAfter,
    subjectPublicKeyInfo: spki(root.publicKey),
    extensions: [
      { kind: 'basicConstraints', ca: true },
      { kind: 'keyUsage', usages: ['keyCertSign', 'cRLSign'] },
      { kind: 'subjectKeyIdentifier', keyId: keyIdentifier(spki(root.publicKey)) },
    ],
    signingKey: root.privateKey,
  });
  const issuingDer = buildCertificate({
    serialHex: randomSerial(),
    issuer: subjectNameDer(rootDer),
    subject: [{ type: OID.commonName, value: 'Test Issuing CA' }],
    notBefore: new Date(now.getTime() - 60_000),
    notAfter,
    subjectPublicKeyInfo: spki(issuing.publicKey),
    extensions: [
      { kind: 'basicConstraints', ca: true, pathLength: 0 },
      { kind: 'keyUsage', usages: ['keyCertSign', 'cRLSign'] },
      { kind: 'subjectKeyIdentifier', keyId: keyIdentifier(spki(issuing.publicKey)) },
      { kind: 'authorityKeyIdentifier', keyId: keyIdentifier(spki(root.publicKey)) },
    ],
    signingKey: root.privateKey,
  });
  return new CertificateAuthority(rootDer, issuingDer, issuing.privateKey);
}

/** The service's key for a card, answering the card's challenge; counts the proofs it accepted. */
export interface KeyRelay extends ServiceKeyRelay {
  readonly authentications: () => number;
}

export function serviceKeyRelay(managementKey: Buffer): KeyRelay {
  const responder = localManagementKeyResponder(ALG.AES128, managementKey);
  let exchanges = 0;
  let authentications = 0;
  let open: string | undefined;
  return {
    cardWitness: async (witness) => {
      const answer = await responder.answerWitness(witness);
      open = `exchange-${++exchanges}`;
      return { exchangeId: open, witness: Buffer.from(answer.witness), challenge: Buffer.from(answer.challenge) };
    },
    authenticate: async (exchangeId, cardResponse) => {
      if (exchangeId !== open) throw new Error('unknown exchange');
      open = undefined;
      await responder.checkCardResponse(cardResponse);
      authentications += 1;
    },
    authentications: () => authentications,
  };
}

/** One issue operation as the service holds it: the new card UUID, the secrets it made, what it issued. */
export interface IssueOperation {
  readonly cardUuid: string;
  readonly managementKey: Buffer;
  readonly puk: string;
  readonly relay: IssueRelay & KeyRelay;
  /** Certificates issued in this operation, in order. */
  readonly issued: Buffer[];
  /** Requests refused (an attestation that does not hold). */
  readonly refused: string[];
}

export interface IssueOptions {
  /** Answer with a certificate for a key the card does not hold. */
  readonly issueForAnotherKey?: boolean;
}

/** Opens an issue for the card read as `readout` (its attestation certificate, when it has one, vouches for the new key). */
export function openIssue(ca: CertificateAuthority, readout: CardReadout, options: IssueOptions = {}): IssueOperation {
  const cardUuid = randomUUID();
  const managementKey = newManagementKey();
  const puk = newPuk();
  const keyRelay = serviceKeyRelay(managementKey);
  const attestationKey = readout.attestationCertificate === null ? null : new X509Certificate(Buffer.from(readout.attestationCertificate, 'base64')).publicKey;
  const op: IssueOperation = {
    cardUuid,
    managementKey,
    puk,
    issued: [],
    refused: [],
    relay: {
      ...keyRelay,
      certificate: async (csr, attestation) => {
        const request = verifyCertificationRequest(csr);
        if (attestationKey !== null) {
          const read = attestation === null ? null : readAttestation(attestation);
          const spki = request.publicKey.export({ type: 'spki', format: 'der' });
          if (!read || !read.certificate.verify(attestationKey) || !read.spki.equals(spki) || read.slot !== 0x9a || read.serial !== readout.serial) {
            op.refused.push('attestation');
            throw new Error('The card did not attest the key in its request.');
          }
        }
        const publicKey = options.issueForAnotherKey ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey : request.publicKey;
        const issued = issueAuthenticationCertificate(ca, { ...HOLDER, publicKey, now: new Date() }).der;
        op.issued.push(issued);
        return issued;
      },
      personalise: async () => ({
        puk: Buffer.from(puk, 'ascii'),
        managementKeyCommand: Buffer.concat([Buffer.from('00ffffff13089b10', 'hex'), managementKey]),
      }),
    },
  };
  return op;
}
