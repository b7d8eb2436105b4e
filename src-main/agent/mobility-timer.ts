import type { AgentTimers } from './agent-types.js';
import type { MobilityDue } from './mobility-transitions.js';

// Wakes the agent when a mobility session's card is due. The wait is capped, so the wall clock
// is looked at again at least every half minute: a timer does not count time the computer spent
// asleep, and a laptop opened after two hours must lock at once, not two hours late. Requests
// check the clock themselves before anything else (agent-core.ts).

const LONGEST_WAIT_MS = 30_000;

export const REAL_TIMERS: AgentTimers = {
  setTimeout: (run, ms) => setTimeout(run, ms).unref(),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export class MobilityTimer {
  private handle: unknown;
  private armedFor: number | null = null;

  constructor(
    private readonly deps: {
      readonly timers: AgentTimers;
      readonly now: () => Date;
      /** The open session's next due time, if any. */
      readonly due: () => MobilityDue | null;
      /** Called when the wait is over: looks at the clock and locks if due. */
      readonly check: (at: number) => void;
    },
  ) {}

  /** After any change of the model: waits for the (new) due time, or for nothing. */
  reschedule(): void {
    const due = this.deps.due()?.at ?? null;
    if (due === this.armedFor) return;
    this.stop();
    if (due === null) return;
    this.armedFor = due;
    const wait = Math.min(Math.max(0, due - this.deps.now().getTime()), LONGEST_WAIT_MS);
    this.handle = this.deps.timers.setTimeout(() => {
      this.handle = undefined;
      this.armedFor = null;
      this.deps.check(this.deps.now().getTime());
      this.reschedule();
    }, wait);
  }

  stop(): void {
    if (this.handle !== undefined) this.deps.timers.clearTimeout(this.handle);
    this.handle = undefined;
    this.armedFor = null;
  }
}
