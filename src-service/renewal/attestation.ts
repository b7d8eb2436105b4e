import { createPublicKey, type X509Certificate } from 'node:crypto';
import { AttestationFormatError, readAttestation, type ReadAttestation } from '../../src-shared/card/piv-attestation.js';
import type { ServiceContext } from '../service-context.js';
import { prepared } from '../store/prepared.js';
import { refuse } from '../unlock/unlock-refusal.js';
import type { RenewalRow } from './renewal-store.js';

// Whether a renewal's new key was made on the card being renewed.
//
// A PKCS#10 request proves that its signer holds the key, not where the key lives. Whoever
// brings a renewal to the certificate step (the holder, a sponsor with the card in their second
// reader, or, for a renewal cut short, anyone holding the card: recovery needs no session) could
// sign a request with a key made in software, and the certificate would put the holder's
// identity on a key that is not on their card. So:
//
//   A card whose attestation key the directory registered (every card the factory makes) must
//   send the card's attestation of the new key (Yubico INS F9): a certificate that verifies
//   with that registered key, for exactly the request's public key (SubjectPublicKeyInfo bytes
//   equal), naming slot 9A and carrying the card's serial. The card makes one only for a key it
//   generated, so nothing else is issued.
//
//   A card without a registered attestation key (made before cards had one, or enrolled
//   elsewhere) cannot prove it. A self or sponsor renewal goes ahead on the strength of its
//   session: a person signed in with their own card is there and answerable for it. A recovery
//   has no session, only the card's management-key proof, so it is refused and the holder's
//   registration authority finishes it.

const SLOT_9A = 0x9a;
const START_AGAIN = 'so no certificate was issued. Start the renewal again.';
export const UNATTESTED_RECOVERY =
  'This smartcard cannot prove its new key was made on the card; finish the renewal with your registration authority.';

interface CardAttestationKey {
  readonly serial: number;
  readonly attestationKey: Buffer | null;
}

/** Refuses a key the card cannot show it made; `attested` says whether it showed it (for the audit). */
export function requireKeyMadeOnCard(ctx: ServiceContext, row: RenewalRow, spki: Buffer, attestationBase64: string | null): { attested: boolean } {
  const card = prepared(ctx.db, 'SELECT serial, attestation_key AS attestationKey FROM cards WHERE id = ?').get(row.cardId) as CardAttestationKey;
  if (card.attestationKey === null) {
    if (row.kind === 'recovery') throw refuse(409, 'conflict', 'recovery-unattested', UNATTESTED_RECOVERY);
    return { attested: false };
  }
  if (attestationBase64 === null) {
    throw refuse(400, 'bad-request', 'attestation-missing', `The smartcard did not show that it made the new key (no attestation came with the request), ${START_AGAIN}`);
  }
  const attestation = readCardAttestation(attestationBase64);
  if (!signedBy(attestation.certificate, card.attestationKey)) {
    throw refuse(409, 'conflict', 'attestation-not-this-card', `The attestation of the new key was not made by this smartcard, ${START_AGAIN}`);
  }
  if (!attestation.spki.equals(spki)) {
    throw refuse(409, 'conflict', 'attestation-other-key', `The smartcard's attestation is for another key than the certificate request's, ${START_AGAIN}`);
  }
  if (attestation.slot !== SLOT_9A) {
    throw refuse(409, 'conflict', 'attestation-other-slot', `The smartcard's attestation is not for its authentication key (slot 9A), ${START_AGAIN}`, {
      attestedSlot: attestation.slot === undefined ? null : attestation.slot.toString(16),
    });
  }
  if (attestation.serial !== card.serial) {
    throw refuse(409, 'conflict', 'attestation-other-serial', `The smartcard's attestation names another card's serial number, ${START_AGAIN}`, {
      attestedSerial: attestation.serial ?? null,
    });
  }
  return { attested: true };
}

function readCardAttestation(base64: string): ReadAttestation {
  try {
    return readAttestation(Buffer.from(base64, 'base64'));
  } catch (err) {
    if (!(err instanceof AttestationFormatError)) throw err;
    throw refuse(400, 'bad-request', 'attestation-invalid', `The smartcard's attestation of its new key is not valid (${err.message}), ${START_AGAIN}`, {
      problem: err.message,
    });
  }
}

function signedBy(certificate: X509Certificate, spki: Buffer): boolean {
  try {
    return certificate.verify(createPublicKey({ key: spki, format: 'der', type: 'spki' }));
  } catch {
    // A signature of another algorithm than the registered key's is not this card's.
    return false;
  }
}
