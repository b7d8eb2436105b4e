import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Uuid } from '../../src-shared/api/service-common.js';
import { writePrivateFile } from '../../src-shared/private-files.js';

// "Remember my selection": the position last chosen with each card, by card UUID, in a small
// JSON file in the agent's data folder. Nothing else goes in it (no names, no tokens). It is
// written whole to a temporary file, mode 0600, then renamed over the old one, so a crash
// leaves either the old or the new file, never half of one.

export const REMEMBERED_POSITIONS_FILE = 'remembered-positions.json';

const FileFormat = z.strictObject({
  format: z.literal('remembered-positions/1'),
  cards: z.record(Uuid, z.number().int().positive()),
});

export class RememberedPositions {
  private readonly file: string;
  private cards: Map<string, number> | undefined;

  constructor(private readonly dataDir: string) {
    this.file = join(dataDir, REMEMBERED_POSITIONS_FILE);
  }

  get(cardUuid: string): number | null {
    return this.load().get(cardUuid) ?? null;
  }

  set(cardUuid: string, positionId: number): void {
    const cards = this.load();
    if (cards.get(cardUuid) === positionId) return;
    cards.set(cardUuid, positionId);
    this.save(cards);
  }

  forget(cardUuid: string): void {
    const cards = this.load();
    if (!cards.delete(cardUuid)) return;
    this.save(cards);
  }

  private load(): Map<string, number> {
    if (this.cards) return this.cards;
    let cards = new Map<string, number>();
    try {
      const parsed = FileFormat.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      // A damaged or foreign file only loses the preselection: start afresh rather than fail.
      if (parsed.success) cards = new Map(Object.entries(parsed.data.cards));
    } catch {
      // Missing or unreadable: nothing remembered yet.
    }
    this.cards = cards;
    return cards;
  }

  private save(cards: Map<string, number>): void {
    mkdirSync(this.dataDir, { recursive: true, mode: 0o700 });
    const body = JSON.stringify({ format: 'remembered-positions/1', cards: Object.fromEntries(cards) } satisfies z.infer<typeof FileFormat>, null, 2);
    writePrivateFile(this.file, `${body}\n`);
  }
}
