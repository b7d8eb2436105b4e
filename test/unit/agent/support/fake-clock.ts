import type { AgentTimers } from '../../../../src-main/agent/agent-types.js';

// A clock the test moves by hand, with the timers the agent sets on it: `advance` runs each
// timer at its own moment, in order, so a rule can be checked one millisecond either side of its
// boundary; `jump` moves the time without running any (a computer waking from sleep).

export class FakeClock implements AgentTimers {
  private time: number;
  private nextId = 1;
  private readonly pending = new Map<number, { readonly at: number; readonly run: () => void }>();

  constructor(start = Date.now()) {
    this.time = start;
  }

  readonly now = (): Date => new Date(this.time);

  setTimeout(run: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.time + Math.max(0, ms), run });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let first: [number, { at: number; run: () => void }] | undefined;
      for (const entry of this.pending) if (entry[1].at <= end && (!first || entry[1].at < first[1].at)) first = entry;
      if (!first) break;
      this.pending.delete(first[0]);
      this.time = first[1].at;
      first[1].run();
    }
    this.time = end;
  }

  jump(ms: number): void {
    this.time += ms;
  }
}
