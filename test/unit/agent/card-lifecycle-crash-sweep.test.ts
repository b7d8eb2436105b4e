import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VanishMode } from '../../../src-main/virtual-card/fault-plan.js';
import type { CertificateAuthority } from '../../../src-service/ca/certificate-authority.js';
import { formatCardSweepTable, referenceCommands, runCardSweepCase, type CardSweepRow, type SweepOperation } from './support/card-lifecycle-sweep.js';
import { testCertificateAuthority } from './support/card-service-stand-in.js';

// Crash safety of issuing and clearing, card side (CARDS.md: "a card pulled at ANY command of
// issuance or clearing ends either fully issued or blank and issuable again, never unusable,
// never with a certificate live for a key the card does not hold"). Every command of each
// operation, both vanish modes; the table is written to bench/results/card-lifecycle-crash-sweep.txt.

const MODES: readonly VanishMode[] = ['before-processing', 'after-processing'];
const ALGORITHM = 'p256';
const TABLE_FILE = join('bench', 'results', 'card-lifecycle-crash-sweep.txt');

let ca: CertificateAuthority;
const commands: Partial<Record<SweepOperation, string[]>> = {};
const rows: CardSweepRow[] = [];

beforeAll(async () => {
  ca = testCertificateAuthority();
  commands.issue = await referenceCommands(ca, 'issue', ALGORITHM);
  commands.clear = await referenceCommands(ca, 'clear', ALGORITHM);
});

afterAll(() => {
  if (rows.length === 0) return;
  mkdirSync(join('bench', 'results'), { recursive: true });
  writeFileSync(TABLE_FILE, `${formatCardSweepTable(rows)}\n`);
});

describe.each(['issue', 'clear'] as const)('card-level crash sweep: %s', (operation) => {
  it(`rule: a card pulled at any command of ${operation === 'issue' ? 'issuance' : 'clearing'}, either way, ends fully issued or blank, never with a certificate for a key it does not hold`, async () => {
    const list = commands[operation]!;
    // P-256 with extended-length APDUs: the commands listed at the top of card-issue.ts and card-clear.ts.
    expect(list.length).toBe(operation === 'issue' ? 17 : 22);
    for (let index = 0; index < list.length; index++) {
      for (const mode of MODES) {
        const row = await runCardSweepCase(ca, operation, ALGORITHM, index, list[index]!, mode);
        rows.push(row);
        expect({ index, command: row.command, mode, problems: row.problems }).toEqual({ index, command: list[index], mode, problems: [] });
        expect(row.outcome).toBe(operation === 'issue' ? 'issued' : 'blank');
      }
    }
  }, 300_000);
});
