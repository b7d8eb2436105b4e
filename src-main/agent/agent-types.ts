import type { AgentErrorCode, AgentState, RemovalMode } from '../../src-shared/api/agent-api.js';
import type { TrainingView } from '../../src-shared/api/agent-api.js';
import type { ReaderDriver } from '../pcsc/reader-driver.js';
import type { z } from 'zod';
import type { MobilityPolicy } from './agent-model.js';
import type { BridgeSignInAnswer, BridgeSignInRequest, SignInStyle } from '../../src-shared/api/agent-bridge.js';

// What the shells (Electron, browser) see of the agent core: a state to show, a way to listen
// for changes, and one entry point for every renderer request. The shells add transport and
// nothing else, so both behave the same.

export interface Agent {
  state(): AgentState;
  /** Calls `listener` with every new state; returns the unsubscribe function. */
  onState(listener: (state: AgentState) => void): () => void;
  /**
   * Runs one renderer request. The channel and payload are validated against AGENT_CHANNELS;
   * the result is validated against the channel's response schema. Failures throw AgentFailure.
   */
  handle(channel: string, payload: unknown): Promise<unknown>;
  /** An app's sign-in page asks, through the agent's bridge, to sign the session's holder in (never hands out the token). */
  signInForApp(request: BridgeSignInRequest): Promise<BridgeSignInAnswer>;
  close(): Promise<void>;
  /** Report exports the renderer asked for (report.export), for the shell that delivers them (agent/report-export.ts). */
  readonly reportExports?: ReportExportDelivery;
}

/** How a shell delivers a report export: it opens the ticket once and writes the stream where the user wants it. */
interface ReportExportDelivery {
  open(exportId: string): Promise<{ readonly fileName: string; readonly body: import('node:stream').Readable }>;
  /** No file was chosen: the ticket is spent without calling the service. */
  cancel(exportId: string): void;
}

/** A failure the renderer is told about: a code for programs and words for people. */
export class AgentFailure extends Error {
  override name = 'AgentFailure';
  constructor(
    readonly code: AgentErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Training mode's virtual cards, driven from the training panel. */
export interface TrainingCards {
  view(): z.infer<typeof TrainingView>;
  insert(personaKey: string, reader: string): void;
  remove(reader: string): void;
  /** Deletes the card's authentication certificate object (practising repair). */
  damageCertificate(key: string): void;
  onChange(listener: () => void): () => void;
}

/** The agent's timers (mobility's due times), replaced in tests by a clock they move by hand. */
export interface AgentTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface AgentOptions {
  readonly readers: ReaderDriver;
  /** Base URL of the identity service (embedded or configured). */
  readonly serviceUrl: string;
  readonly workstationId: string;
  readonly removalMode: RemovalMode;
  /** Mobility mode's minutes (re-authentication, idle); defaults in agent-model.ts (MOBILITY_DEFAULTS). */
  readonly mobility?: MobilityPolicy;
  /** When the passcode is asked: as a card goes in ('standard', the default) or when an app asks ('connect'). */
  readonly signInStyle?: SignInStyle;
  /** Where the agent keeps its own small state (remembered selections). */
  readonly dataDir: string;
  readonly training?: TrainingCards;
  /** Injectable clock for expiry rules, mobility's due times, and the date on the proofs the agent sends the service. */
  readonly now?: () => Date;
  /** Injectable timers (with `now`, a test's fake clock); Node's otherwise. */
  readonly timers?: AgentTimers;
  /**
   * How the agent watches the identity service: while it answers, a health check every
   * `heartbeatMs` (default 60 s); once it does not, retries after `firstRetryMs`, doubling up
   * to `maxRetryMs` (defaults 1 s and 30 s).
   */
  readonly serviceMonitor?: { readonly firstRetryMs?: number; readonly maxRetryMs?: number; readonly heartbeatMs?: number };
}
