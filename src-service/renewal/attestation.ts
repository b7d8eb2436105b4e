import { createPublicKey, X509Certificate } from 'node:crypto';
import { renewalKeyAuthorisation, type NewKeyProof } from '../../src-shared/api/service-renewal.js';
import { AttestationFormatError, readAttestation, type ReadAttestation } from '../../src-shared/card/piv-attestation.js';
import { signatureVerifies } from '../auth/login-certificate.js';
import type { ServiceContext } from '../service-context.js';
import { refuse } from '../unlock/unlock-refusal.js';
import type { RenewalRow } from './renewal-store.js';

// Whether a renewal's new key is the card holder's: made on the card, or vouched for by them.
//
// A PKCS#10 request proves that its signer holds the key, not where the key lives. Whoever
// brings a renewal to the certificate step (the holder, a sponsor with the card in their second
// reader, or, for a renewal cut short, anyone holding the card: recovery needs no session) could
// sign a request with a key made in software, and the certificate would let them log in as the
// holder without the card. Holding the card for a moment gives the management-key proof, not the
// passcode. So nothing is issued unless:
//
//   (a) A card whose attestation key the directory registered (every card the factory makes)
//   sends the card's attestation of the new key (Yubico INS F9): a certificate that verifies
//   with that registered key, for exactly the request's public key (SubjectPublicKeyInfo bytes
//   equal), naming slot 9A and carrying the card's serial. The card makes one only for a key it
//   generated, so nothing else is issued. It is the only proof such a card may give.
//
//   (b) A card without one (made before cards had one, or enrolled elsewhere: most PIV cards)
//   sends a signature by its OLD 9A key, which needs the holder's passcode, over
//   renewalKeyAuthorisation (this renewal), checked against the card's live certificate.
//   PIV generates a key in place, destroying the old one, and cannot move keys between slots,
//   so the old key cannot sign the new public key itself: it signs before GENERATE, and the
//   signature is taken for one new key only (a second key in the same renewal could only come
//   with a copy of it: the old key is gone once the first was made). Whoever can make it knows
//   the passcode, and could sign with the card as its holder anyway.
//
//   A recovery has no passcode, only the card's management-key proof: it takes (a) alone, and
//   a card without attestation is sent to its registration authority.

const SLOT_9A = 0x9a;
const START_AGAIN = 'so no certificate was issued. Start the renewal again.';
export const UNATTESTED_RECOVERY =
  'This smartcard cannot prove its new key was made on the card; finish the renewal with your registration authority.';

interface CardAttestationKey {
  readonly serial: number;
  readonly attestationKey: Buffer | null;
}

const cardAttestationKey = (ctx: ServiceContext, row: RenewalRow): Promise<CardAttestationKey> =>
  ctx.db.selectFrom('cards').select(['serial', 'attestation_key as attestationKey']).where('id', '=', row.cardId).executeTakeFirstOrThrow();

/** The proof of its new key the service will take from this renewal's card (told to the agent once the card has proved itself). */
export async function newKeyProofFor(ctx: ServiceContext, row: RenewalRow): Promise<NewKeyProof> {
  return (await cardAttestationKey(ctx, row)).attestationKey === null ? 'old-key-signature' : 'attestation';
}

/** What came with the request for the new key `spki`. */
export interface NewKeyEvidence {
  readonly renewalId: string;
  readonly spki: Buffer;
  readonly attestation: string | null;
  readonly oldKeySignature: string | null;
}

/** Refuses a key that is neither attested by the card nor vouched for by its old key; says which proof it was (for the audit). */
export async function requireHoldersNewKey(ctx: ServiceContext, row: RenewalRow, evidence: NewKeyEvidence): Promise<{ attested: boolean; proof: NewKeyProof }> {
  const card = await cardAttestationKey(ctx, row);
  if (card.attestationKey === null) {
    if (row.kind === 'recovery') throw refuse(409, 'conflict', 'recovery-unattested', UNATTESTED_RECOVERY);
    await requireOldKeySignature(ctx, row, evidence);
    return { attested: false, proof: 'old-key-signature' };
  }
  requireAttestation({ serial: card.serial, attestationKey: card.attestationKey }, evidence.spki, evidence.attestation);
  return { attested: true, proof: 'attestation' };
}

/**
 * Refuses unless `attestationBase64` is this card's attestation (made with its registered
 * attestation key, naming its serial) of the key `spki` in slot 9A. `startAgain` ends each
 * refusal with what to do next ("so no certificate was issued. Start ... again.").
 */
export function requireAttestation(
  card: { readonly serial: number | null; readonly attestationKey: Buffer },
  spki: Buffer,
  attestationBase64: string | null,
  startAgain = START_AGAIN,
): void {
  if (attestationBase64 === null) {
    throw refuse(400, 'bad-request', 'attestation-missing', `The smartcard did not show that it made the new key (no attestation came with the request), ${startAgain}`);
  }
  const attestation = readCardAttestation(attestationBase64, startAgain);
  if (!signedBy(attestation.certificate, card.attestationKey)) {
    throw refuse(409, 'conflict', 'attestation-not-this-card', `The attestation of the new key was not made by this smartcard, ${startAgain}`);
  }
  if (!attestation.spki.equals(spki)) {
    throw refuse(409, 'conflict', 'attestation-other-key', `The smartcard's attestation is for another key than the certificate request's, ${startAgain}`);
  }
  if (attestation.slot !== SLOT_9A) {
    throw refuse(409, 'conflict', 'attestation-other-slot', `The smartcard's attestation is not for its authentication key (slot 9A), ${startAgain}`, {
      attestedSlot: attestation.slot === undefined ? null : attestation.slot.toString(16),
    });
  }
  if (attestation.serial !== card.serial) {
    throw refuse(409, 'conflict', 'attestation-other-serial', `The smartcard's attestation names another card's serial number, ${startAgain}`, {
      attestedSerial: attestation.serial ?? null,
    });
  }
}

const NOT_VOUCHED = "This smartcard cannot show that it made the new key, so its current key must vouch for it with the card holder's passcode";

async function requireOldKeySignature(ctx: ServiceContext, row: RenewalRow, evidence: NewKeyEvidence): Promise<void> {
  if (evidence.oldKeySignature === null) {
    throw refuse(400, 'bad-request', 'old-key-signature-missing', `${NOT_VOUCHED}, and no such signature came with the request, ${START_AGAIN}`);
  }
  const live = await liveCertificate(ctx, row.cardId);
  const payload = Buffer.from(renewalKeyAuthorisation({ renewalId: evidence.renewalId, cardUuid: row.cardUuid }), 'utf8');
  if (!live || !signatureVerifies(live, payload, Buffer.from(evidence.oldKeySignature, 'base64'))) {
    throw refuse(409, 'conflict', 'old-key-signature-invalid', `${NOT_VOUCHED}, and the signature that came was not made by it for this renewal, ${START_AGAIN}`);
  }
  // The signature vouches for one key: the old key is gone once the card made it, so a second
  // key in this renewal could only come with a copy of the signature.
  if (row.issuedDer && !new X509Certificate(row.issuedDer).publicKey.export({ type: 'spki', format: 'der' }).equals(evidence.spki)) {
    throw refuse(409, 'conflict', 'old-key-signature-spent', `This renewal has already certified the new key its holder's passcode vouched for; it certifies no other, ${START_AGAIN}`);
  }
}

/** The card's live certificate (newest unrevoked): the key the holder's passcode unlocks now. */
async function liveCertificate(ctx: ServiceContext, cardId: number): Promise<X509Certificate | undefined> {
  const der = (
    await ctx.db
      .selectFrom('certificates')
      .select('der')
      .where('card_id', '=', cardId)
      .where('revoked_at', 'is', null)
      .orderBy('not_after', 'desc')
      .limit(1)
      .executeTakeFirst()
  )?.der;
  return der ? new X509Certificate(der) : undefined;
}

function readCardAttestation(base64: string, startAgain: string): ReadAttestation {
  try {
    return readAttestation(Buffer.from(base64, 'base64'));
  } catch (err) {
    if (!(err instanceof AttestationFormatError)) throw err;
    throw refuse(400, 'bad-request', 'attestation-invalid', `The smartcard's attestation of its new key is not valid (${err.message}), ${startAgain}`, {
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
