import { X509Certificate, type KeyObject } from 'node:crypto';
import { SLOT } from '../card/piv/piv-constants.js';
import type { PivSession } from '../card/piv/piv-session.js';

// Does the card's 9A key belong to the certificate beside it? A renewal cut short between
// GENERATE and the certificate write leaves a new key next to the old certificate: login would
// then fail at the service's signature check, after the passcode. Asking the card (Yubico GET
// METADATA, no passcode) notices it as the card goes in, so the renewal can be finished instead.

/**
 * True when the 9A key is the certificate's key, false when it is another key or the slot is
 * empty, undefined when the card cannot say (no GET METADATA) or the certificate cannot be read.
 * Runs inside the caller's transaction, PIV selected.
 */
export async function cardKeyMatchesCertificate(piv: PivSession, certificateDer: Uint8Array): Promise<boolean | undefined> {
  let certificateKey: KeyObject;
  try {
    certificateKey = new X509Certificate(certificateDer).publicKey;
  } catch {
    return undefined;
  }
  const metadata = await piv.keyMetadata(SLOT.AUTHENTICATION);
  if (metadata === undefined) return undefined;
  if (metadata === null) return false;
  return sameKey(metadata.publicKey, certificateKey);
}

/** Two public keys are the same key when their SubjectPublicKeyInfo encodings are equal. */
export function sameKey(a: KeyObject, b: KeyObject): boolean {
  const spki = (k: KeyObject): Buffer => k.export({ type: 'spki', format: 'der' });
  return spki(a).equals(spki(b));
}
