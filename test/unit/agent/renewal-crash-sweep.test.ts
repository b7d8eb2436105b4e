import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RENEWAL_COMMANDS,
  renewalSweepCases,
  runRenewalSweepCase,
  startRenewalSweepEnv,
  type RenewalSweepEnv,
} from '../../support/renewal-crash-sweep.js';

// Crash safety of renewal (DESIGN.md §5 Renewal: "a card pulled at any moment is never left
// unusable: the next insertion resumes or rolls forward"). For self and sponsor renewal, every
// command of the card operation, both vanish modes, the agent kept or killed and restarted, then
// the card back in: it signs in with its passcode, holds the service's live certificate, and the
// service holds exactly one live certificate for it. The same sweep prints its table in
// `npm run bench:renewal`.

let env: RenewalSweepEnv;
beforeAll(async () => {
  env = await startRenewalSweepEnv();
});
afterAll(async () => env.close());

describe('renewal crash-safety sweep', () => {
  it('covers every command of the card operation', () => {
    expect(renewalSweepCases()).toHaveLength(2 * RENEWAL_COMMANDS.length * 2 * 2);
  });

  it.each(renewalSweepCases().map((c) => [`${c.flow}: card gone at ${c.n} ${RENEWAL_COMMANDS[c.n]} (${c.mode}), agent ${c.agent}`, c] as const))('%s', async (_name, c) => {
    const row = await runRenewalSweepCase(env, c);
    expect(row.problems).toEqual([]);
    // Before GENERATE acts the card is as it was; once it has, until PUT DATA acts, the key does
    // not match the certificate and the next insertion finishes it; after PUT DATA the card
    // signs in with the new certificate and the service rolls the renewal forward.
    const keyMade = c.n > 4 || (c.n === 4 && c.mode === 'after-processing');
    const written = c.n === 7 && c.mode === 'after-processing';
    if (!keyMade || written) expect(row.outcome.startsWith('nothing to finish')).toBe(true);
    else expect(row.outcome.startsWith('recovered')).toBe(true);
    expect(row.outcome).toContain(keyMade ? 'renewed (old revoked)' : 'old certificate kept');
  });
});
