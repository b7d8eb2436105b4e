import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { preparePrivateDatabase } from '../../src-shared/private-files.js';

// The agent's own record of the renewals it runs, in a small SQLite file in its data folder.
// Each step is written BEFORE it is taken (synchronously, WAL), so after a card pulled or the
// agent killed at any moment the next insertion, in this process or the next, knows a renewal
// of that card was under way and how far it got. The service keeps the authoritative journal;
// this one lets the agent say what it is doing, and lets tests see the steps. It holds the card
// UUID, the mode, the step, the time and certificate serials: never a passcode, a session token
// or a renewal id (which is a capability at the service).

export const RENEWAL_JOURNAL_FILE = 'agent-journal.sqlite';

export type JournalMode = 'self' | 'sponsor' | 'recovery';

/** The steps in the order a renewal takes them; the last four end it. */
type JournalStep =
  | 'opening'
  | 'card-operation'
  | 'requesting-certificate'
  | 'writing-certificate'
  | 'confirming'
  | 'confirmed'
  | 'refused'
  | 'abandoned'
  | 'signed-in';

const ENDING: ReadonlySet<JournalStep> = new Set(['confirmed', 'refused', 'abandoned', 'signed-in']);

export interface JournalEntry {
  readonly cardUuid: string;
  readonly mode: JournalMode;
  readonly step: JournalStep;
  readonly at: string;
  /** The serial of the certificate being replaced (hex). */
  readonly oldSerial: string | null;
  /** The serial of the new certificate, once issued (hex). */
  readonly newSerial: string | null;
}

export class RenewalJournal {
  private db: Database.Database | undefined;

  /** `dataDir` null: kept in memory (tests). The file is made by the first step recorded. */
  constructor(
    private readonly dataDir: string | null,
    private readonly now: () => Date = () => new Date(),
  ) {}

  record(entry: Omit<JournalEntry, 'at' | 'oldSerial' | 'newSerial'> & { oldSerial?: string | null; newSerial?: string | null }): void {
    try {
      this.open(true)
        ?.prepare('INSERT INTO renewal_steps (card_uuid, mode, step, at, old_serial, new_serial) VALUES (?, ?, ?, ?, ?, ?)')
        .run(entry.cardUuid, entry.mode, entry.step, this.now().toISOString(), entry.oldSerial ?? null, entry.newSerial ?? null);
    } catch {
      // A full or broken disk must not stop a renewal half way: the service's journal is the one
      // that finishes it. The agent then only loses the words it would have said.
    }
  }

  /** The latest step of `cardUuid`'s renewal when that renewal never ended. */
  unfinished(cardUuid: string): JournalEntry | undefined {
    const last = this.entries(cardUuid).at(-1);
    return last && !ENDING.has(last.step) ? last : undefined;
  }

  /** Every step recorded, oldest first (of one card when given). */
  entries(cardUuid?: string): JournalEntry[] {
    let db: Database.Database | undefined;
    try {
      db = this.open(false);
    } catch {
      return [];
    }
    if (!db) return [];
    const rows = (
      cardUuid === undefined
        ? db.prepare('SELECT * FROM renewal_steps ORDER BY id').all()
        : db.prepare('SELECT * FROM renewal_steps WHERE card_uuid = ? ORDER BY id').all(cardUuid)
    ) as { card_uuid: string; mode: JournalMode; step: JournalStep; at: string; old_serial: string | null; new_serial: string | null }[];
    return rows.map((r) => ({ cardUuid: r.card_uuid, mode: r.mode, step: r.step, at: r.at, oldSerial: r.old_serial, newSerial: r.new_serial }));
  }

  close(): void {
    if (this.db?.open) this.db.close();
    this.db = undefined;
  }

  /**
   * The database, opened on first use; undefined while there is no file and `create` is false.
   * The smartcard lifecycle's journal (smartcard-journal.ts) keeps its table in the same file.
   */
  open(create: boolean): Database.Database | undefined {
    if (this.db) return this.db;
    const file = this.dataDir === null ? null : join(this.dataDir, RENEWAL_JOURNAL_FILE);
    if (file !== null && !create && !existsSync(file)) return undefined;
    let db: Database.Database;
    if (file === null) db = new Database(':memory:');
    else {
      try {
        mkdirSync(this.dataDir as string, { recursive: true, mode: 0o700 });
        // Private like the service's database: 0600, and its -wal and -shm files with it.
        preparePrivateDatabase(file);
        db = new Database(file);
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 2000');
      } catch {
        // A data folder that cannot hold it (read-only): kept in memory for this run only.
        db = new Database(':memory:');
      }
    }
    db.exec(`CREATE TABLE IF NOT EXISTS renewal_steps (
      id INTEGER PRIMARY KEY,
      card_uuid TEXT NOT NULL,
      mode TEXT NOT NULL,
      step TEXT NOT NULL,
      at TEXT NOT NULL,
      old_serial TEXT,
      new_serial TEXT
    );
    CREATE INDEX IF NOT EXISTS renewal_steps_card ON renewal_steps (card_uuid, id);`);
    this.db = db;
    return db;
  }
}
