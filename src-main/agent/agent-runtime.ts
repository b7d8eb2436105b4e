import type { ServiceClient } from '../service-client/service-client.js';
import type { AgentModel } from './agent-model.js';
import type { AgentOptions } from './agent-types.js';
import type { RememberedPositions } from './remembered-positions.js';
import type { RenewalJournal } from './renewal-journal.js';
import type { ServiceMonitor } from './service-monitor.js';

/** What the agent's actions (login, session, CIM) work with; provided by the agent core. */
export interface AgentRuntime {
  readonly options: AgentOptions;
  readonly client: ServiceClient;
  readonly monitor: ServiceMonitor;
  readonly remembered: RememberedPositions;
  /** The renewal steps taken on this workstation, kept across restarts. */
  readonly journal: RenewalJournal;
  model(): AgentModel;
  /** Applies one transition; the new state is published before this returns. */
  apply(change: (m: AgentModel) => AgentModel): AgentModel;
  /** Ends a session at the service, best effort, without waiting. */
  endRemotely(token: string): void;
  /** Aborted when the agent closes: work it carries on after a request (retries) stops then. */
  readonly closing: AbortSignal;
  now(): Date;
}
