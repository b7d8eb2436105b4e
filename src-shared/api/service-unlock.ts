import { z } from 'zod';
import { Base64, Base64Url, IsoDateTime, Uuid } from './service-common.js';
import { WorkstationId } from './service-login.js';
import { CardProof, CardProofWitnessResponse } from './service-card-proof.js';

// Unlocking a locked smartcard, self-service (a security code sent to the holder) or by a
// sponsor or local smartcard administrator signed in at the workstation (the locked card in a
// second reader). Both end in the same three steps on the card, each relayed through the service:
//
//   1. card-witness: the card proves it is the card (management-key challenge, answered by the
//      service, which alone holds the key), so a PUK is only ever released to the card itself;
//   2. release: the service hands the agent's main process the card's PUK and the PUK that will
//      replace it; the agent runs RESET RETRY COUNTER with the holder's new passcode, then
//      CHANGE REFERENCE DATA to put the new PUK on the card;
//   3. commit: the service makes the new PUK current.
//
// Until the commit the service keeps both PUKs (two-phase rotation), so a card pulled or an agent
// killed at any command leaves a card the service can still unlock: the next release says a
// rotation is pending, and the agent tries the current PUK, then the pending one (at most one
// PUK attempt spent on finding out which the card has). When the card refuses the current one,
// the agent says so at once (a commit with `pukOnly`) BEFORE it tries the pending one: the
// pending PUK becomes current, so a card pulled between the two attempts costs no further
// attempt next time (a later release hands it out as `puk`, with a fresh pending one).
//
// A release whose answer was lost, or whose card failed before using it, may be repeated on the
// same unlock after a fresh card witness (the same PUKs, a few times); one witness exchange may be
// outstanding per unlock, and the release must present the one made for it.

/** Opaque, random, single-unlock capability; the service stores only its hash. */
const UnlockId = Base64Url;
/** The path parameters of an unlock's own steps (/v1/unlock/:unlockId/...). */
export const UnlockParams = z.strictObject({ unlockId: UnlockId });

export const UnlockChannel = z.enum(['email', 'sms']);
export type UnlockChannel = z.infer<typeof UnlockChannel>;

/** The security code: exactly six digits. */
export const SecurityCode = z.string().regex(/^\d{6}$/, 'six digits');
export const SECURITY_CODE_VALID_MINUTES = 15;
export const SECURITY_CODE_MAX_TRIES = 5;

/** POST /v1/unlock/self: send a security code to the holder of the locked card. No session. */
export const SelfUnlockRequest = z.strictObject({
  workstationId: WorkstationId,
  cardUuid: Uuid,
  /** The 9A certificate read from the card (DER, base64): must be the card's current, unexpired one. */
  certificate: Base64,
  /** Where to send the code; by default email when the profile has an eligible address, otherwise SMS. */
  channel: UnlockChannel.optional(),
  /** The card's own proof (service-card-proof.ts): without it nothing is sent, voided or told. */
  cardProof: CardProof,
});

export const SelfUnlockResponse = z.strictObject({
  unlockId: UnlockId,
  channel: UnlockChannel,
  /** The destination, masked (for example "a•••@nhs.net", "•••••••012"). */
  sentTo: z.string(),
  codeExpiresAt: IsoDateTime,
  /** The other eligible destination, if the profile has one (the holder may ask for the code there). */
  otherChannel: UnlockChannel.nullable(),
});
export type SelfUnlockResponse = z.infer<typeof SelfUnlockResponse>;

/** POST /v1/unlock/{unlockId}/code: the holder's security code. A wrong one spends a try (5). */
export const UnlockCodeRequest = z.strictObject({ workstationId: WorkstationId, code: SecurityCode });
export const UnlockCodeResponse = z.strictObject({ accepted: z.literal(true) });

/** POST /v1/card-service/inspect (session): the card in the sponsor's second reader. */
export const CardServiceRequest = z.strictObject({
  cardUuid: Uuid,
  /** The 9A certificate read from that card (DER, base64). */
  certificate: Base64,
});

const CardServiceAction = z.strictObject({
  allowed: z.boolean(),
  /** Why not, in words for the sponsor; null when allowed. */
  reason: z.string().nullable(),
});

export const CardServiceInspection = z.strictObject({
  holder: z.strictObject({ uuid: Uuid, name: z.string() }),
  cardUuid: Uuid,
  certificateNotAfter: IsoDateTime,
  daysToExpiry: z.number().int(),
  unlock: CardServiceAction,
  renew: CardServiceAction,
});
export type CardServiceInspection = z.infer<typeof CardServiceInspection>;

/** POST /v1/card-service/unlock (session): opens a sponsor unlock of that card. */
export const SponsorUnlockResponse = z.strictObject({
  unlockId: UnlockId,
  holder: z.strictObject({ uuid: Uuid, name: z.string() }),
});
export type SponsorUnlockResponse = z.infer<typeof SponsorUnlockResponse>;

/** POST /v1/unlock/{unlockId}/card-witness: the card's encrypted witness (GENERAL AUTHENTICATE 9B). */
export const CardWitnessRequest = z.strictObject({ workstationId: WorkstationId, witness: Base64 });
export const CardWitnessResponse = CardProofWitnessResponse;

/** Eight digits: what a PUK is here. */
const Puk = z.string().regex(/^\d{8}$/);

/** POST /v1/unlock/{unlockId}/release: the card's answer to the challenge; returns the PUKs. */
export const PukReleaseRequest = z.strictObject({ workstationId: WorkstationId, exchangeId: Base64Url, cardResponse: Base64 });
export const PukReleaseResponse = z.strictObject({
  /** The PUK the service believes is on the card. Main process only; wiped after use. */
  puk: Puk,
  /** The PUK to set on the card after the unlock (the pending half of the rotation). */
  nextPuk: Puk,
  /** An earlier rotation did not commit: the card may already hold `nextPuk`. */
  rotationPending: z.boolean(),
});
export type PukReleaseResponse = z.infer<typeof PukReleaseResponse>;

/**
 * POST /v1/unlock/{unlockId}/commit: the card now holds `nextPuk`, and a new passcode. With
 * `pukOnly`: the card refused `puk` while a rotation was pending, so it holds `nextPuk`, and its
 * passcode is not reset yet; `nextPuk` becomes current now, and the unlock's own commit (after
 * the reset with it, no PUK change needed) still completes the unlock. Both are repeatable.
 */
export const UnlockCommitRequest = z.strictObject({ workstationId: WorkstationId, pukOnly: z.literal(true).optional() });
export const UnlockCommitResponse = z.union([z.strictObject({ unlocked: z.literal(true) }), z.strictObject({ pukReconciled: z.literal(true) })]);
export type UnlockCommitResponse = z.infer<typeof UnlockCommitResponse>;

/** What the outbox holds (embedded service and SMS): shown by the training panel. */
export const OutboxMessage = z.strictObject({
  id: z.number().int().positive(),
  channel: UnlockChannel,
  to: z.string(),
  subject: z.string().nullable(),
  text: z.string(),
  sentAt: IsoDateTime,
});
export type OutboxMessage = z.infer<typeof OutboxMessage>;
