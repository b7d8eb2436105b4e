import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  doubleFaultCases,
  RECONCILING_COMMANDS,
  runDoubleFaultCase,
  runSweepCase,
  startSweepEnv,
  sweepCases,
  UNLOCK_COMMANDS,
  type SweepEnv,
} from '../../support/unlock-crash-sweep.js';

// Crash safety of unlocking (DESIGN.md §4: the PUK is rotated after each use; service-unlock.ts:
// two-phase rotation). For both flows, every command of the unlock's card operation, both vanish
// modes, with the agent kept or killed and restarted: the user's retry leaves the card unlocked,
// on the PUK the service holds (current, or pending when no later unlock committed), with at
// most one PUK attempt spent on finding out which. The same sweep prints its table in
// `npm run bench:unlock`.

let env: SweepEnv;
beforeAll(async () => {
  env = await startSweepEnv();
});
afterAll(async () => env.close());

describe('unlock crash-safety sweep', () => {
  it('covers every command of the card operation', () => {
    expect(sweepCases()).toHaveLength(2 * UNLOCK_COMMANDS.length * 2 * 2);
  });

  it.each(sweepCases().map((c) => [`${c.flow}: card gone at ${c.n} ${UNLOCK_COMMANDS[c.n]} (${c.mode}), agent ${c.agent}`, c] as const))('%s', async (_name, c) => {
    const row = await runSweepCase(env, c);
    expect(row.problems).toEqual([]);
    expect(row.pukAttemptsSpent).toBeLessThanOrEqual(1);
    // Only a card pulled after it acted on RESET RETRY COUNTER or later is unlocked without a retry.
    const acted = c.n > 4 || (c.n === 4 && c.mode === 'after-processing');
    expect(row.outcome.startsWith(acted ? 'already unlocked' : 'still locked')).toBe(true);
    // The PUK ends pending only when the card took the next PUK and no retry committed it.
    // It is then found, with one PUK attempt, by the next unlock.
    if (c.n === 5 && c.mode === 'after-processing') {
      expect(row.outcome).toContain('PUK pending');
      expect(row.outcome).toContain('locked again later: unlocked, PUK current');
      expect(row.pukAttemptsSpent).toBe(1);
    } else {
      expect(row.outcome).toContain('PUK current');
      expect(row.pukAttemptsSpent).toBe(0);
    }
  });

  // The double fault (unlock-crash-sweep.ts): the reconciling unlock, on a card holding the
  // pending PUK, cut short at each command, then a clean retry. Once the card has refused the
  // current PUK, the service hears that the card holds the pending one before it is tried; and
  // should the card be pulled just after it refused it, its answer lost, the retry reads that
  // refusal in the PUK's counter and tries the pending PUK first. So every row spends exactly the
  // one attempt the reconciling unlock needs to find out which PUK the card holds.
  it.each(doubleFaultCases().map((c) => [`${c.flow}: reconciling unlock cut at ${c.n} ${RECONCILING_COMMANDS[c.n]} (${c.mode})`, c] as const))('%s', async (_name, c) => {
    const row = await runDoubleFaultCase(env, c);
    expect(row.problems).toEqual([]);
    expect(row.outcome).toContain('PUK current');
    expect(row.pukAttemptsSpent).toBe(1);
    const acted = c.n === RECONCILING_COMMANDS.length - 1 && c.mode === 'after-processing';
    expect(row.outcome).toContain(acted ? 'already unlocked' : 'still locked');
  });
});
