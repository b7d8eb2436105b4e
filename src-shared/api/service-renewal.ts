import { z } from 'zod';
import { Base64, Base64Url, CardAlgorithm, IsoDateTime, Uuid } from './service-common.js';
import { WorkstationId } from './service-login.js';
import { CardProof } from './service-card-proof.js';

// Renewing a card's authentication (9A) certificate on the same card, by its holder (signed in
// with it) or by a sponsor, LSA or RA member signed in with their own card (the card in a second
// reader). The card makes a new key; the old certificate is revoked only once the new one is on
// the card. Every step is journaled here, so a card pulled at any moment can be finished:
//
//   open (self: POST /v1/renewals; sponsor: POST /v1/card-service/renew; after a cut-short
//     renewal, without a session: POST /v1/renewals/recover)
//   card-witness, authenticate: management-key mutual authentication relayed through the
//     service (the key never leaves it); after it the card accepts GENERATE and PUT DATA; the
//     answer says how the new key must be vouched for (newKeyProof)
//   a card without a registered attestation key: its old 9A key signs renewalKeyAuthorisation
//     (the holder's passcode is verified), before GENERATE replaces it
//   the card generates a new 9A key; the agent builds a PKCS#10 request the card signs
//   certificate: the service checks the request and how the key is vouched for, and issues
//     (kept as the renewal's, not yet live)
//   the agent writes the certificate to the card
//   confirm: the new certificate goes live and the old one is revoked ('superseded')
//
// A card holding the issued certificate that was never confirmed is confirmed at its next login
// (the login proves the card has the new key and certificate): it rolls forward.

const RenewalId = Base64Url;
/** The path parameters of a renewal's card steps (/v1/renewals/:renewalId/...). */
export const RenewalParams = z.strictObject({ renewalId: RenewalId });

export const RenewalOpened = z.strictObject({
  renewalId: RenewalId,
  cardUuid: Uuid,
  holder: z.strictObject({ uuid: Uuid, name: z.string() }),
  /** The key the card must generate: the card's algorithm, unchanged by renewal. */
  algorithm: CardAlgorithm,
  /** Steps after this are refused (start again). */
  expiresAt: IsoDateTime,
});
export type RenewalOpened = z.infer<typeof RenewalOpened>;

/** POST /v1/renewals (session): renew the certificate of the card the session was opened with. */
export const SelfRenewalRequest = z.strictObject({});

/** POST /v1/card-service/renew (session): renew the card in the sponsor's second reader. */
export const SponsorRenewalRequest = z.strictObject({ cardUuid: Uuid, certificate: Base64 });

/**
 * POST /v1/renewals/recover (no session): a card whose renewal was cut short (its 9A key no
 * longer matches its certificate, or its certificate is the unconfirmed new one). Answers a new
 * renewal id only when the service journaled an unfinished renewal of that card. The card proves
 * itself first (`cardProof`, service-card-proof.ts): without that no renewal is voided or opened,
 * and nothing is told; then again in the renewal's card steps (card-witness, authenticate).
 */
export const RecoverRenewalRequest = z.strictObject({ workstationId: WorkstationId, cardUuid: Uuid, cardProof: CardProof });

export const RenewalWitnessRequest = z.strictObject({ workstationId: WorkstationId, witness: Base64 });
export const RenewalWitnessResponse = z.strictObject({ exchangeId: Base64Url, witness: Base64, challenge: Base64 });

export const RenewalAuthenticateRequest = z.strictObject({ workstationId: WorkstationId, exchangeId: Base64Url, cardResponse: Base64 });

/**
 * How the service must be shown that a renewal's new key is the card holder's, before it issues
 * a certificate for it:
 *   'attestation': the card's registered attestation key certifies that the card made the key
 *     (every card the factory makes). The only proof a recovery (no passcode) can give.
 *   'old-key-signature': a card without one signs renewalKeyAuthorisation with its current 9A
 *     key, which needs the holder's passcode, checked against the card's live certificate.
 */
export const NewKeyProof = z.enum(['attestation', 'old-key-signature']);
export type NewKeyProof = z.infer<typeof NewKeyProof>;

export const RenewalAuthenticateResponse = z.strictObject({
  authenticated: z.literal(true),
  newKeyProof: NewKeyProof,
  /**
   * A certificate already issued in this renewal (recovering one cut short after issue), DER in
   * base64: if its key is the card's key, the agent writes it rather than generating again.
   */
  issuedCertificate: Base64.nullable(),
});

/**
 * POST /v1/renewals/{id}/certificate: the PKCS#10 request signed by the card's new key, and the
 * card's attestation of that key (Yubico PIV attestation, INS F9: an X.509 certificate for the
 * new 9A public key signed by the card's own attestation key, registered when the card was made).
 * A request alone proves possession of a key, not that the key lives on the card; the attestation
 * proves the card generated it, so nobody holding the card can have a software key certified.
 */
export const RenewalCertificateRequest = z.strictObject({
  workstationId: WorkstationId,
  csr: Base64,
  attestation: Base64.nullable(),
  /**
   * newKeyProof 'old-key-signature': the card's signature over renewalKeyAuthorisation (UTF-8) with the
   * 9A key its live certificate is for (SHA-256; PKCS#1 v1.5 or DER ECDSA), made before GENERATE.
   */
  oldKeySignature: Base64.nullable().default(null),
});

const RENEWAL_KEY_PURPOSE = 'care-identity-renewal-new-key/v1';

/**
 * The exact bytes a card without a registered attestation key signs with its old 9A key to let
 * this renewal certify a new key. PIV makes the new key in place (GENERATE 9A destroys the old
 * one, and no standard command moves a key between slots), so the old key can never sign the new
 * public key: it signs this, before GENERATE, with the holder's passcode verified. The renewal id
 * is random, one renewal's, and known only to the workstation that opened it, so the signature
 * vouches for this renewal alone, and the service takes it for one new key only.
 * The purpose keeps it from being taken for a login signature or anything else the key signs.
 */
export function renewalKeyAuthorisation(p: { renewalId: string; cardUuid: string }): string {
  return `purpose=${RENEWAL_KEY_PURPOSE}\nrenewal=${p.renewalId}\ncard=${p.cardUuid.toLowerCase()}\n`;
}
export const RenewalCertificateResponse = z.strictObject({
  /** The new 9A certificate, DER in base64, to write to the card. */
  certificate: Base64,
  notAfter: IsoDateTime,
});

/** POST /v1/renewals/{id}/confirm: the certificate is on the card. */
export const RenewalConfirmRequest = z.strictObject({ workstationId: WorkstationId });
export const RenewalConfirmResponse = z.strictObject({
  renewed: z.literal(true),
  certificateNotAfter: IsoDateTime,
  daysToExpiry: z.number().int(),
});
