import type { z } from 'zod';
import type { RemovalMode, ServiceStatus, SignedInSession, TrainingView } from '../../src-shared/api/agent-api.js';
import type { PositionSummary } from '../../src-shared/api/service-common.js';
import type { CardLoginSummary } from '../../src-shared/api/service-login.js';
import type { SignedInApp } from '../../src-shared/api/oidc.js';
import type { AsymmetricAlgorithm } from '../../src-shared/card/virtual-card-state.js';
import type { SignInStyle } from '../../src-shared/api/agent-bridge.js';
import type { RenewalFlow } from './renewal-model.js';
import type { UnlockFlow } from './unlock-model.js';

// The agent's whole state in one immutable value. The transitions (agent-transitions.ts) turn one
// model into the next without any I/O, and the view (agent-view.ts) turns a model into the
// AgentState the renderer sees. This model holds the secrets the view leaves out (the session
// token, the login ticket, an unlock's or a renewal's capability); it never leaves the main process.

/** What the agent reads from a card on insertion, without the passcode. */
export interface CardFacts {
  readonly cardUuid: string;
  readonly holderName: string;
  /** The 9A certificate, DER. */
  readonly certificate: Buffer;
  readonly algorithm: AsymmetricAlgorithm;
}

/**
 * A card in a reader. `insertion` numbers every insertion, so the answer of an operation started
 * on one insertion is never applied to the card (or the absence) that replaced it.
 */
export type CardSlot =
  | { readonly insertion: number; readonly status: 'reading'; readonly dismissed: boolean }
  | { readonly insertion: number; readonly status: 'unreadable'; readonly message: string; readonly dismissed: boolean }
  | {
      readonly insertion: number;
      readonly status: 'ready';
      readonly facts: CardFacts;
      /** The card's passcode counter; null when the card did not say (passcode already verified). */
      readonly attemptsRemaining: number | null;
      /** Set aside by the user (cancel, log out): no passcode prompt until it is inserted again. */
      readonly dismissed: boolean;
    };

export type ReadyCard = Extract<CardSlot, { status: 'ready' }>;

export interface ReaderModel {
  readonly name: string;
  readonly card: CardSlot | null;
}

/** Verified by the service, waiting for the holder to pick a position. */
export interface VerifiedLogin {
  /** One-use, short-lived credential for opening the session: never shown. */
  readonly loginTicket: string;
  readonly user: { readonly uuid: string; readonly name: string };
  readonly card: z.infer<typeof CardLoginSummary>;
  readonly positions: readonly PositionSummary[];
  readonly rememberedPositionId: number | null;
}

/** The login under way on one card (there is at most one, and none while a session exists). */
export type LoginFlow =
  | { readonly step: 'passcode'; readonly reader: string; readonly insertion: number; readonly busy: boolean; readonly error: string | null }
  | {
      readonly step: 'choose-position';
      readonly reader: string;
      readonly insertion: number;
      readonly verified: VerifiedLogin;
      readonly busy: boolean;
      readonly error: string | null;
    };

export interface SessionModel {
  /** Bearer token for the service: main process only. */
  readonly token: string;
  readonly view: SignedInSession;
  /** The card that opened the session (its certificate proves a re-inserted card is the same). */
  readonly facts: CardFacts;
  /** Where that card was when the session was opened or last resumed. */
  readonly reader: string;
  readonly insertion: number;
  /**
   * Set while the session is locked (card removed in session-lock mode, locked on demand, or in
   * mobility mode when the card and passcode are due again). `reason` says why, when it is not
   * the user's own doing.
   */
  readonly locked: { readonly busy: boolean; readonly error: string | null; readonly reason?: string } | null;
  /** When the card and its passcode last proved the holder (login or resume), epoch ms. */
  readonly provedAt: number;
  /** The last request made of the agent while the session was open, epoch ms (mobility's idle rule). */
  readonly activeAt: number;
  /** "Signed in to": the apps this session signed in to, as the service last said. */
  readonly signedInTo: readonly SignedInApp[];
}

/** Mobility mode's two clocks, in whole minutes (mobility-rules.ts has the defaults). */
export interface MobilityPolicy {
  /** The card and passcode are asked for again this long after they were last given. */
  readonly reauthMinutes: number;
  /** ...and after this long without any request to the agent. */
  readonly idleMinutes: number;
}

export interface AgentModel {
  readonly removalMode: RemovalMode;
  /** Used only in mobility mode. */
  readonly mobility: MobilityPolicy;
  readonly signInStyle: SignInStyle;
  /** Connect style: an app asked to sign in with no session, so the next card gets the passcode prompt. */
  readonly appWaiting: boolean;
  readonly readers: readonly ReaderModel[];
  readonly nextInsertion: number;
  readonly login: LoginFlow | null;
  readonly session: SessionModel | null;
  /** A card being unlocked (self-service without a session, or serviced by a signed-in sponsor). */
  readonly unlock: UnlockFlow | null;
  /** A certificate renewal (self, sponsor, or finishing one cut short). */
  readonly renewal: RenewalFlow | null;
  readonly service: z.infer<typeof ServiceStatus>;
  readonly training: z.infer<typeof TrainingView> | null;
}

export const MOBILITY_DEFAULTS: MobilityPolicy = { reauthMinutes: 60, idleMinutes: 15 };

export function initialModel(removalMode: RemovalMode, signInStyle: SignInStyle = 'standard', mobility: MobilityPolicy = MOBILITY_DEFAULTS): AgentModel {
  return {
    removalMode,
    mobility,
    signInStyle,
    appWaiting: false,
    readers: [],
    nextInsertion: 1,
    login: null,
    session: null,
    unlock: null,
    renewal: null,
    service: { status: 'connecting', message: null, retryInSeconds: null },
    training: null,
  };
}

/** The ready card in `reader` from insertion `insertion`, if it is still there. */
export function readyCardAt(model: AgentModel, reader: string, insertion: number): ReadyCard | undefined {
  const card = model.readers.find((r) => r.name === reader)?.card;
  return card && card.status === 'ready' && card.insertion === insertion ? card : undefined;
}

/** Where the card of a (locked) session is now, by its card UUID. */
export function sessionCardLocation(model: AgentModel): { reader: string; card: ReadyCard } | undefined {
  const session = model.session;
  if (!session) return undefined;
  for (const r of model.readers) {
    if (r.card?.status === 'ready' && r.card.facts.cardUuid === session.facts.cardUuid) return { reader: r.name, card: r.card };
  }
  return undefined;
}
