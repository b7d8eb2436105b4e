import type { AgentModel } from './agent-model.js';
import { settle } from './agent-transitions.js';
import { MOBILITY_MESSAGES } from './removal-messages.js';

// Mobility mode's rules, pure like every transition (the time is passed in): an open session
// asks for its card and passcode again `reauthMinutes` after they were last given, and after
// `idleMinutes` without a request to the agent. When either is due the session locks, as session
// lock does, and only the same card with its passcode resumes it (login-actions.ts).

const MINUTE_MS = 60_000;

export interface MobilityDue {
  /** Epoch ms at which the session locks. */
  readonly at: number;
  readonly why: 'reauth' | 'idle';
}

/** When the open session next locks, or null (another mode, no session, already locked). */
export function mobilityDueAt(m: AgentModel): MobilityDue | null {
  const session = m.session;
  if (m.removalMode !== 'mobility' || !session || session.locked) return null;
  const reauth = session.provedAt + m.mobility.reauthMinutes * MINUTE_MS;
  const idle = session.activeAt + m.mobility.idleMinutes * MINUTE_MS;
  // Both at once: re-authentication is the firmer rule, so it gives the reason.
  return reauth <= idle ? { at: reauth, why: 'reauth' } : { at: idle, why: 'idle' };
}

/** At `at` (epoch ms): locks the session if its card is due, saying why. */
export function mobilityChecked(m: AgentModel, at: number): AgentModel {
  const due = mobilityDueAt(m);
  if (!due || at < due.at || !m.session) return m;
  const reason = due.why === 'reauth' ? MOBILITY_MESSAGES.reauthDue(m.mobility) : MOBILITY_MESSAGES.idle(m.mobility);
  return settle({ ...m, session: { ...m.session, locked: { busy: false, error: null, reason } } });
}

/** A request reached the agent at `at`: an open session was in use then. */
export function sessionActive(m: AgentModel, at: number): AgentModel {
  const session = m.session;
  if (m.removalMode !== 'mobility' || !session || session.locked || session.activeAt >= at) return m;
  return { ...m, session: { ...session, activeAt: at } };
}
