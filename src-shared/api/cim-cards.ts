import { z } from 'zod';
import { Base64, Base64Url, CardAlgorithm, IsoDateTime, Uuid } from './service-common.js';
import { WorkstationId } from './service-login.js';

// The smartcard lifecycle in Care Identity Management (domain.md, "Card states and lifecycle"):
// issue a card at a workstation with two readers, repair it, clear it for reuse, cancel it.
// Issue, repair, clear and cancel are for RAM, RAA(A) and RAA only, on users in their
// organisation and its child organisations; the service checks both at every step.
//
// Issue, repair and clear are card operations: the RA's agent reads the card in the second
// reader, opens the operation at the service, proves the card with the management key (the
// service holds it; the agent relays the card's challenge, as in renewal), and finishes the
// operation once the card holds what the service recorded. Each operation is journaled: a card
// pulled at any step is, at the next attempt, either finished or put back to blank. Cancel needs
// no card.

/** An open card operation: a capability (32 random bytes, base64url), held only by the agent that opened it. */
const CardOperationId = Base64Url.regex(/^[A-Za-z0-9_-]{43}$/);
export const CardOperationParams = z.strictObject({ operationId: CardOperationId });
export const CardUuidParams = z.strictObject({ cardUuid: Uuid });

/** What the agent read from the card in the second reader, without a passcode. */
export const CardReadout = z.strictObject({
  /** The card's serial (Yubico GET SERIAL); null from a card that has none. */
  serial: z.number().int().min(0).max(0xffffffff).nullable(),
  /** The card UUID from the CHUID (tag 34); null when the card has no CHUID. */
  chuidUuid: Uuid.nullable(),
  /** The serial (lower-case hex) of the certificate in slot 9A; null when there is none or it does not parse. */
  certificateSerial: z.string().regex(/^[0-9a-f]{1,40}$/).nullable(),
  /** The card accepted the well-known factory management key (a blank or cleared card does). */
  factoryManagementKey: z.boolean(),
  /** Slot 9A holds a key (GET METADATA); null when the card cannot say. */
  hasAuthenticationKey: z.boolean().nullable(),
  /** The card's attestation certificate (slot F9, DER), which vouches for keys the card makes; null when it has none. */
  attestationCertificate: Base64.nullable(),
  /** The card's PIV application version (e.g. "5.4.3"); null when it does not say. */
  version: z.string().max(16).nullable(),
});
export type CardReadout = z.infer<typeof CardReadout>;

/** A card is blank when it has no CHUID, no 9A certificate, no 9A key, and the factory management key. */
export const isBlankReadout = (r: CardReadout): boolean =>
  r.factoryManagementKey && r.chuidUuid === null && r.certificateSerial === null && r.hasAuthenticationKey !== true;

// ---- Issue a smartcard ------------------------------------------------------------------------

export const IssueSmartcardBody = z.strictObject({
  workstationId: WorkstationId,
  algorithm: CardAlgorithm,
  card: CardReadout,
});
export const IssueSmartcardOpened = z.strictObject({
  operationId: CardOperationId,
  /** The new card's UUID: the agent writes it in the CHUID. */
  cardUuid: Uuid,
  holder: z.strictObject({ uuid: Uuid, name: z.string() }),
  algorithm: CardAlgorithm,
  /**
   * The card is left over from an issuance that never finished (same serial): the agent puts it
   * back to blank (block PIN and PUK, Yubico RESET) before issuing. Any certificate that issuance
   * got is revoked by now.
   */
  resetFirst: z.boolean(),
  expiresAt: IsoDateTime,
});

/** The card's new 9A key: the PKCS#10 request it signed, and its attestation of the key (F9-signed, DER). */
export const IssueCertificateBody = z.strictObject({ workstationId: WorkstationId, csr: Base64, attestation: Base64.nullable() });
export const IssueCertificateResponse = z.strictObject({ certificate: Base64, notAfter: IsoDateTime });

/**
 * What the agent writes to the card for the service, once: the new PUK (8 digits, for CHANGE
 * REFERENCE DATA 81 from the factory PUK) and the complete SET MANAGEMENT KEY command (Yubico
 * INS FF, AES-128) the service built. The agent sends the command as it is and wipes both; it
 * never keeps or shows them. The service keeps both sealed.
 */
export const PersonaliseBody = z.strictObject({ workstationId: WorkstationId });
export const PersonaliseResponse = z.strictObject({ puk: z.string().regex(/^\d{8}$/), managementKeyCommand: Base64 });

export const ConfirmIssueBody = z.strictObject({ workstationId: WorkstationId });

// ---- Card proof for an operation (management key, relayed) -------------------------------------

export const OperationWitnessBody = z.strictObject({ workstationId: WorkstationId, witness: Base64 });
export const OperationWitnessResponse = z.strictObject({ exchangeId: Base64Url, witness: Base64, challenge: Base64 });
export const OperationAuthenticateBody = z.strictObject({ workstationId: WorkstationId, exchangeId: Base64Url, cardResponse: Base64 });
export const OperationAuthenticateResponse = z.strictObject({ authenticated: z.literal(true) });

export const AbandonOperationBody = z.strictObject({
  workstationId: WorkstationId,
  /** Why, in a word, for the audit log. */
  reason: z.enum(['card-removed', 'cancelled-by-user', 'card-refused', 'failed']),
});

// ---- Repair ------------------------------------------------------------------------------------

export const RepairSmartcardBody = z.strictObject({ workstationId: WorkstationId, card: CardReadout });
export const RepairSmartcardOpened = z.strictObject({
  operationId: CardOperationId,
  cardUuid: Uuid,
  algorithm: CardAlgorithm,
  /** The card's live certificate as the service records it (DER), to compare and rewrite. */
  certificate: Base64,
});
export const RepairedPart = z.enum(['certificate', 'chuid']);
export type RepairedPart = z.infer<typeof RepairedPart>;
export const RepairedBody = z.strictObject({
  workstationId: WorkstationId,
  repaired: z.array(RepairedPart).max(2),
  /** The card's 9A key is the recorded certificate's key. */
  keyMatches: z.boolean(),
});
export const RepairedResponse = z.strictObject({ repaired: z.array(RepairedPart), message: z.string() });

// ---- Clear -------------------------------------------------------------------------------------

export const ClearSmartcardBody = z.strictObject({ workstationId: WorkstationId, card: CardReadout });
export const ClearSmartcardOpened = z.strictObject({
  operationId: CardOperationId,
  cardUuid: Uuid,
  /** The card is already blank (reset elsewhere): nothing to do on it, only the record to close. */
  alreadyBlank: z.boolean(),
});
/** After the reset: the card as the agent reads it now (it must be blank). */
export const ClearedBody = z.strictObject({ workstationId: WorkstationId, card: CardReadout });
export const ClearedResponse = z.strictObject({ certificatesRevoked: z.number().int().nonnegative() });

// ---- Cancel ------------------------------------------------------------------------------------

export const CancelReason = z.enum(['lost', 'stolen', 'damaged', 'not-needed']);
export const CANCEL_REASON_LABELS: Record<z.infer<typeof CancelReason>, string> = {
  lost: 'Lost',
  stolen: 'Stolen',
  damaged: 'Damaged',
  'not-needed': 'No longer needed',
};
export const CancelSmartcardBody = z.strictObject({ reason: CancelReason, note: z.string().trim().max(500).optional() });
export const CancelSmartcardResponse = z.strictObject({
  certificatesRevoked: z.number().int().nonnegative(),
  sessionsEnded: z.number().int().nonnegative(),
});

// ---- Revocation list ---------------------------------------------------------------------------

/** GET /v1/ca/crl answers DER (application/pkix-crl); this documents it. */
export const CrlDer = z.string();

/** The answer of a step that has nothing more to say. */
export const CardOperationDone = z.strictObject({ ok: z.literal(true) });
