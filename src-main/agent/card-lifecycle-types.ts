import type { CardReadout, RepairedPart } from '../../src-shared/api/cim-cards.js';
import type { AsymmetricAlgorithm } from '../../src-shared/card/virtual-card-state.js';
import type { ReaderDriver } from '../pcsc/reader-driver.js';
import type { CardWitnessRelay } from './relayed-management-key.js';

// The card side of the smartcard lifecycle (issue, repair, clear), as the agent's jobs
// (smartcard-jobs.ts) call it: one reader transaction each, on the card in the second reader,
// with the service's half (the management key, the CA) behind a relay. The implementations are
// card-readout.ts, card-issue.ts, card-repair.ts and card-clear.ts.

/** The service's half of management-key authentication for a card operation (its key, relayed). */
export interface ServiceKeyRelay extends CardWitnessRelay {
  /** The card's encryption of the service's challenge; resolves once the service accepts it. */
  authenticate(exchangeId: string, cardResponse: Uint8Array): Promise<void>;
}

/** The service's half of an issue. */
export interface IssueRelay extends ServiceKeyRelay {
  /** The PKCS#10 request the card signed with its new 9A key, and the card's attestation of that key -> the certificate (DER). */
  certificate(csr: Buffer, attestation: Buffer | null): Promise<Buffer>;
  /** The new PUK (8 ASCII digits) and the complete SET MANAGEMENT KEY command: sent to the card once, then wiped by the caller. */
  personalise(): Promise<{ puk: Buffer; managementKeyCommand: Buffer }>;
}

/** What the page shows while a card operation runs. */
export type LifecycleStage =
  | 'reading-card'
  | 'resetting-card'
  | 'making-key'
  | 'writing-certificate'
  | 'setting-passcode'
  | 'setting-keys'
  | 'checking-card'
  | 'rewriting'
  | 'clearing';

interface OnCard {
  readonly readers: ReaderDriver;
  readonly reader: string;
  readonly onStage?: (stage: LifecycleStage) => void;
}

export interface IssueCardInput extends OnCard {
  /** The new holder's passcode (6-8 digits, checked); wiped whatever happens. */
  readonly passcode: Buffer;
  readonly algorithm: AsymmetricAlgorithm;
  /** The new card UUID the service chose: written in the CHUID. */
  readonly cardUuid: string;
  /** The request's subject; the CA sets the certificate's own. */
  readonly holderName: string;
  /** Put the card back to blank first (left over from an issue that never finished). */
  readonly resetFirst: boolean;
  readonly relay: IssueRelay;
}

export interface IssueCardResult {
  readonly certificate: Buffer;
  /** Commands sent to the card. */
  readonly apdus: number;
}

export interface RepairCardInput extends OnCard {
  readonly cardUuid: string;
  readonly algorithm: AsymmetricAlgorithm;
  /** The live certificate on record (DER). */
  readonly certificate: Buffer;
  readonly relay: ServiceKeyRelay;
}

export interface RepairCardResult {
  readonly repaired: RepairedPart[];
  /** The card's 9A key is the recorded certificate's key. */
  readonly keyMatches: boolean;
  readonly apdus: number;
}

export interface ClearCardInput extends OnCard {
  /** The service's key for the card; null when the card is already blank (nothing to authenticate). */
  readonly relay: ServiceKeyRelay | null;
}

export interface ClearCardResult {
  /** The card as read after the reset: blank. */
  readonly readout: CardReadout;
  readonly apdus: number;
}
