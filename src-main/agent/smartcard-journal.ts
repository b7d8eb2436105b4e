import type Database from 'better-sqlite3';
import type { SmartcardJobKind } from './smartcard-messages.js';
import type { RenewalJournal } from './renewal-journal.js';

// The agent's record of the smartcard lifecycle operations (issue, repair, clear) it runs, in the
// same file as the renewal steps (agent-journal.sqlite), table card_operation_steps. Each step is
// written BEFORE it is taken, so after a card pulled or the agent killed the file says how far an
// operation got. The service keeps the authoritative record (card_operations): this one is for
// what the agent says and for tests. It holds the job, the kind, the card's serial and UUID, the
// step and the time, and the new certificate's serial: never an operation id (a capability at the
// service), a passcode, a PUK or a key.

export type SmartcardStep =
  | 'reading-card'
  | 'opening'
  | 'resetting-card'
  | 'making-key'
  | 'requesting-certificate'
  | 'writing-certificate'
  | 'personalising'
  | 'setting-passcode'
  | 'setting-keys'
  | 'checking-card'
  | 'confirming'
  | 'rewriting'
  | 'reporting-repair'
  | 'clearing'
  | 'reporting-clear'
  | 'done'
  | 'failed'
  | 'abandoned';

export interface SmartcardJournalEntry {
  readonly jobId: string;
  readonly kind: SmartcardJobKind;
  readonly step: SmartcardStep;
  readonly at: string;
  /** The card's serial (GET SERIAL), when it has one. */
  readonly cardSerial: number | null;
  /** The card's UUID once known (issue: the new one). */
  readonly cardUuid: string | null;
  /** The serial (hex) of the certificate being written. */
  readonly certificateSerial: string | null;
}

type Row = { job_id: string; kind: SmartcardJobKind; step: SmartcardStep; at: string; card_serial: number | null; card_uuid: string | null; certificate_serial: string | null };

export class SmartcardJournal {
  /** The connection the table was made on (a new one, after the file is reopened, checks again). */
  private readyOn: Database.Database | undefined;

  constructor(
    private readonly file: RenewalJournal,
    private readonly now: () => Date,
  ) {}

  record(entry: Omit<SmartcardJournalEntry, 'at' | 'certificateSerial'> & { certificateSerial?: string | null }): void {
    try {
      this.db(true)
        ?.prepare('INSERT INTO card_operation_steps (job_id, kind, step, at, card_serial, card_uuid, certificate_serial) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(entry.jobId, entry.kind, entry.step, this.now().toISOString(), entry.cardSerial, entry.cardUuid, entry.certificateSerial ?? null);
    } catch {
      // A full or broken disk must not stop a card half way: the service's record finishes it.
    }
  }

  /** Every step recorded, oldest first (of one job when given). */
  entries(jobId?: string): SmartcardJournalEntry[] {
    let db: Database.Database | undefined;
    try {
      db = this.db(false);
    } catch {
      return [];
    }
    if (!db) return [];
    const rows = (
      jobId === undefined
        ? db.prepare('SELECT * FROM card_operation_steps ORDER BY id').all()
        : db.prepare('SELECT * FROM card_operation_steps WHERE job_id = ? ORDER BY id').all(jobId)
    ) as Row[];
    return rows.map((r) => ({
      jobId: r.job_id,
      kind: r.kind,
      step: r.step,
      at: r.at,
      cardSerial: r.card_serial,
      cardUuid: r.card_uuid,
      certificateSerial: r.certificate_serial,
    }));
  }

  /**
   * The last issue on this workstation of the card with `serial`, when it did not finish (the
   * card pulled, the agent stopped, the service out of reach): issuing it again finishes it.
   */
  unfinishedIssue(serial: number): SmartcardJournalEntry | undefined {
    const jobs = this.entries().filter((e) => e.cardSerial === serial && e.kind === 'issue');
    const last = jobs.at(-1);
    return last && last.step !== 'done' && jobs.some((e) => e.jobId === last.jobId && e.step === 'making-key') ? last : undefined;
  }

  private db(create: boolean): Database.Database | undefined {
    const db = this.file.open(create);
    if (db && this.readyOn !== db) {
      db.exec(`CREATE TABLE IF NOT EXISTS card_operation_steps (
        id INTEGER PRIMARY KEY,
        job_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        step TEXT NOT NULL,
        at TEXT NOT NULL,
        card_serial INTEGER,
        card_uuid TEXT,
        certificate_serial TEXT
      );
      CREATE INDEX IF NOT EXISTS card_operation_steps_job ON card_operation_steps (job_id, id);`);
      this.readyOn = db;
    }
    return db;
  }
}
