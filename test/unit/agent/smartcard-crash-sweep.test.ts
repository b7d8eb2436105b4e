import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  runSmartcardSweepCase,
  smartcardSweepCases,
  smartcardSweepTable,
  startSmartcardSweepEnv,
  type SmartcardSweepEnv,
  type SmartcardSweepRow,
} from '../../support/smartcard-crash-sweep.js';

// Crash safety of issuing a smartcard at the workstation (CARDS.md): the card pulled at every
// command of the issue job, both vanish modes, the agent kept or killed and restarted on the same
// service and data folder; then the card is issued again. Every case ends with the holder signing
// in with the passcode chosen, one live certificate, for the card's own key, and never a live
// certificate for a key the card does not hold. SMARTCARD_SWEEP_TABLE=<file> writes the table.

let env: SmartcardSweepEnv;
const rows: SmartcardSweepRow[] = [];
beforeAll(async () => {
  env = await startSmartcardSweepEnv();
}, 60_000);
afterAll(async () => {
  const file = process.env.SMARTCARD_SWEEP_TABLE;
  if (file && rows.length > 0) writeFileSync(file, `${smartcardSweepTable(env, rows)}\n`);
  await env.close();
});

describe('smartcard issue crash-safety sweep', () => {
  it('rule: the sweep covers every command of the issue job, both vanish modes, the agent kept and restarted', () => {
    // A blank card's issue: the readout, then the issue's own commands (card-issue.ts: 21 or more).
    expect(env.commands.length).toBeGreaterThan(25);
    expect(smartcardSweepCases(env.commands.length)).toHaveLength(env.commands.length * 2 * 2);
  });

  it('rule: a card pulled at any command of issuance, with the agent kept or restarted, is issued on the next attempt and its holder signs in; never a live certificate for a key the card does not hold', async () => {
    for (const c of smartcardSweepCases(env.commands.length)) {
      const row = await runSmartcardSweepCase(env, c);
      rows.push(row);
    }
    const failed = rows.filter((r) => !r.ok);
    expect(failed.map((r) => `${r.n} ${env.commands[r.n]} ${r.mode} ${r.agent}: ${r.problems.join('; ')}`)).toEqual([]);
  }, 900_000);
});
