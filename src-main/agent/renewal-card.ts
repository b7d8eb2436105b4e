import { randomBytes, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { renewalKeyAuthorisation, type NewKeyProof } from '../../src-shared/api/service-renewal.js';
import type { AsymmetricAlgorithm } from '../../src-shared/card/virtual-card-state.js';
import { assembleCertificationRequest, certificationRequestInfo, CertificationRequestError, verifyCertificationRequest } from '../../src-shared/crypto/pkcs10.js';
import { wipe } from '../card/bytes.js';
import { CardError } from '../card/card-error.js';
import { ALG, SLOT } from '../card/piv/piv-constants.js';
import type { PivSession } from '../card/piv/piv-session.js';
import type { ReaderDriver } from '../pcsc/reader-driver.js';
import { cardAlgorithm } from './card-facts.js';
import { withVerifiedPivCard } from './card-transaction.js';
import { sameKey } from './card-key-check.js';
import { authenticateThroughService, type CardWitnessRelay } from './relayed-management-key.js';

// Renewing the 9A certificate on the card: ONE reader transaction, reset afterwards. With
// extended-length APDUs, eight commands for a card with a registered attestation key:
//
//   SELECT; VERIFY (the holder's passcode: 9A signs the request); GENERAL AUTHENTICATE 9B twice
//   (management-key mutual authentication, the key's half done by the service); GENERATE 9A;
//   ATTEST 9A (Yubico INS F9: the card's attestation key certifies that it made the new key);
//   GENERAL AUTHENTICATE 9A (the card signs the PKCS#10 request); PUT DATA 5FC105 (the new
//   certificate).
//
// The request proves only that its signer holds the key; the attestation proves the key was
// made on this card, so the service refuses a key made anywhere else. For a card without a
// registered attestation key the service asks instead (newKeyProof 'old-key-signature') for a
// signature by the card's OLD 9A key, which the verified passcode unlocks, over this renewal
// (renewalKeyAuthorisation): one more GENERAL AUTHENTICATE 9A, nine commands, made just before
// GENERATE because GENERATE 9A destroys the old key. PIV cannot generate elsewhere and move the
// key into 9A, so the old key never sees the new public key; the service takes the signature for
// this renewal's one new key (src-service/renewal/attestation.ts).
//
// When the service already issued a certificate in this renewal (a renewal cut short after
// issue) and its key is the card's 9A key, it is written without generating again: one GET
// METADATA in place of GENERATE, ATTEST and the signature.
//
// The card never holds a certificate that is not for its key, except between GENERATE and PUT
// DATA: a card pulled there keeps its new key beside the old certificate, which the next
// insertion notices (card-key-check.ts) and the service's journal finishes. The service confirms
// the renewal after this (not here). The passcode is bytes, wiped whatever happens.

/** The service's half of a renewal, through the agent's connection to it (service-renewal.ts). */
export interface RenewalRelay extends CardWitnessRelay {
  /**
   * The card's encryption of that challenge -> a certificate already issued in this renewal, if
   * any, and how the service must be shown the new key is the holder's.
   */
  authenticate(exchangeId: string, cardResponse: Uint8Array): Promise<{ issuedCertificate: Buffer | null; newKeyProof: NewKeyProof }>;
  /**
   * The PKCS#10 request signed by the card's new key, the card's attestation of that key (DER;
   * null from a card without attestation) and the old key's signature over the renewal (null
   * unless the service asked for it) -> the new certificate (DER).
   */
  certificate(csrDer: Buffer, proof: { attestation: Buffer | null; oldKeySignature: Buffer | null }): Promise<{ certificate: Buffer }>;
}

export interface CardRenewalInput {
  readonly readers: ReaderDriver;
  readonly reader: string;
  /** The holder's passcode; wiped here. */
  readonly passcode: Buffer;
  readonly relay: RenewalRelay;
  /** The renewal the card's old key vouches for, when the service asks it to. */
  readonly renewal: { readonly renewalId: string; readonly cardUuid: string };
  /** The card's algorithm, which a renewal keeps (RenewalOpened.algorithm). */
  readonly algorithm: AsymmetricAlgorithm;
  /** The subject of the request (RenewalOpened.holder.name); the CA sets the certificate's own. */
  readonly holderName: string;
  readonly onStage?: (stage: RenewalStage) => void;
}

export type RenewalStage = 'checking-card' | 'making-key' | 'writing-certificate';

export interface CardRenewalResult {
  /** The certificate now on the card (DER). */
  readonly certificate: Buffer;
  /** Commands sent to the card in the transaction. */
  readonly apdus: number;
  /** An already issued certificate was written for the key already on the card. */
  readonly recovered: boolean;
}

/** The service answered with a certificate that is not for the card's key: nothing was written. */
export class RenewalCertificateMismatchError extends Error {
  override name = 'RenewalCertificateMismatchError';
  constructor() {
    super("The new certificate is not for the smartcard's key, so it was not written to the card.");
  }
}

export async function cardRenewal(input: CardRenewalInput): Promise<CardRenewalResult> {
  try {
    // VERIFY first, so a wrong passcode costs one attempt and asks the service for nothing.
    return await withVerifiedPivCard(input.readers, input.reader, input.passcode, async (piv) => {
      input.onStage?.('checking-card');
      const { issuedCertificate, newKeyProof } = await authenticateThroughService(piv, input.relay, (exchangeId, cardResponse) => input.relay.authenticate(exchangeId, cardResponse));
      const alg = cardAlgorithm(input.algorithm);

      if (issuedCertificate !== null) {
        const issuedKey = certificateKey(issuedCertificate);
        if (await cardHoldsKey(piv, alg, issuedKey)) {
          input.onStage?.('writing-certificate');
          await piv.writeCertificate(SLOT.AUTHENTICATION, issuedCertificate);
          return { certificate: issuedCertificate, apdus: piv.apduCount, recovered: true };
        }
      }

      input.onStage?.('making-key');
      // Now or never: GENERATE replaces the key that the passcode unlocks.
      const oldKeySignature =
        newKeyProof === 'old-key-signature' ? await piv.sign(SLOT.AUTHENTICATION, alg, Buffer.from(renewalKeyAuthorisation(input.renewal), 'utf8')) : null;
      const newKey = await piv.generateKey(SLOT.AUTHENTICATION, alg);
      const attestation = (await piv.attest(SLOT.AUTHENTICATION)) ?? null;
      const csr = await signedRequest(piv, alg, newKey, input.holderName);
      const { certificate } = await input.relay.certificate(csr, { attestation, oldKeySignature });
      if (!sameKey(certificateKey(certificate), newKey)) throw new RenewalCertificateMismatchError();
      input.onStage?.('writing-certificate');
      await piv.writeCertificate(SLOT.AUTHENTICATION, certificate);
      return { certificate, apdus: piv.apduCount, recovered: false };
    });
  } finally {
    wipe(input.passcode);
  }
}

/** The request for the new key, laid out here and signed by the card with it (9A); issuing a card makes it the same way. */
export async function signedRequest(piv: PivSession, alg: typeof ALG.RSA2048 | typeof ALG.ECC_P256, key: KeyObject, holderName: string): Promise<Buffer> {
  const info = certificationRequestInfo({ spki: key.export({ type: 'spki', format: 'der' }), commonName: holderName });
  const signature = await piv.sign(SLOT.AUTHENTICATION, alg, info);
  const csr = assembleCertificationRequest(info, alg === ALG.RSA2048 ? 'rsa2048' : 'p256', signature);
  // A card that signed with anything but the key it just returned is not sent on to the CA.
  try {
    verifyCertificationRequest(csr);
  } catch (err) {
    if (err instanceof CertificationRequestError) {
      throw new CardError('malformed-response', 'The smartcard did not sign the certificate request with its new key.', { cause: err });
    }
    throw err;
  }
  return csr;
}

/**
 * Whether the card's 9A key is `key`: asked with GET METADATA, or on a card without it, by a
 * signature over random bytes (the passcode is verified) checked with `key`.
 */
async function cardHoldsKey(piv: PivSession, alg: typeof ALG.RSA2048 | typeof ALG.ECC_P256, key: KeyObject): Promise<boolean> {
  const metadata = await piv.keyMetadata(SLOT.AUTHENTICATION);
  if (metadata === null) return false;
  if (metadata !== undefined) return metadata.algorithm === alg && sameKey(metadata.publicKey, key);
  const probe = randomBytes(32);
  let signature: Buffer;
  try {
    signature = await piv.sign(SLOT.AUTHENTICATION, alg, probe);
  } catch (err) {
    // A key of another type in 9A refuses the algorithm: not the issued key.
    if (err instanceof CardError && (err.code === 'incorrect-parameters' || err.code === 'reference-not-found')) return false;
    throw err;
  }
  return verify('sha256', probe, key, signature);
}

/** The public key of a certificate the service answered with; one that does not parse is not for the card's key. */
export function certificateKey(der: Buffer): KeyObject {
  try {
    return new X509Certificate(der).publicKey;
  } catch {
    throw new RenewalCertificateMismatchError();
  }
}
