import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { sql } from 'kysely';
import { startService, type RunningService, type StartServiceOptions } from '../../../../src-service/start-service.js';
import type { Db } from '../../../../src-service/store/database.js';
import { addOrg, proofHeaders, testEngine, testStorage } from '../../../support/service-fixtures.js';

// A running identity service over a fresh store (a SQLite file, or a PostgreSQL schema), small
// organisation trees, a settable clock and a fetch helper: what the CIM, permission, bad-input
// and audit tests share. Starting a service costs a CA key, so a test file starts one and each test builds its
// own tree (tree()) to stay independent of the others. (Not a test file: vitest only collects
// *.test.ts.)

/**
 * The service's "now" in these tests unless a test moves it: mid-June, mid-morning UTC. (Test
 * sessions expire an hour after the real clock's now, so they stay live at this earlier time.)
 */
export const TODAY = '2025-06-15';
export const NOW = new Date(`${TODAY}T10:00:00.000Z`);

type Kind = Parameters<typeof addOrg>[1]['kind'];

interface Org {
  readonly id: number;
  readonly path: string;
  readonly code: string;
  readonly name: string;
}

export interface Orgs {
  /** The region: parent of both trusts. */
  readonly region: Org;
  /** Where the acting staff work in most tests. */
  readonly trustA: Org;
  /** A child of trust A: inside trust A staff's scope. */
  readonly siteA1: Org;
  /** Trust A's sibling: outside trust A staff's scope. */
  readonly trustB: Org;
}

export interface Reply {
  readonly status: number;
  readonly contentType: string | null;
  // Tests read answer fields freely; the service's own contracts type them on the way out.
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

interface CallOptions {
  readonly token?: string;
  /** Sent as JSON. */
  readonly json?: unknown;
  /** Sent as-is (with `contentType`, default application/json). */
  readonly raw?: string | Uint8Array;
  readonly contentType?: string;
}

export interface Harness {
  readonly service: RunningService;
  readonly db: Db;
  readonly url: string;
  /** A new region with two trusts and a site, its codes unique in this service. */
  tree(): Promise<Orgs>;
  /** Moves the service's clock; resetClock() puts it back to NOW. */
  setNow(at: Date): void;
  resetClock(): void;
  call(method: string, path: string, options?: CallOptions): Promise<Reply>;
  close(): Promise<void>;
}

export async function startHarness(config: Pick<StartServiceOptions, 'bodyLimitBytes' | 'oidcClients' | 'nhsnetConnect'> = {}): Promise<Harness> {
  const storage = testStorage('cis-cim-');
  let now = NOW;
  // Messages (the notice to an old contact) are read back from the outbox.
  const service = await startService({ ...storage, host: '127.0.0.1', port: 0, now: () => now, outbox: true, ...config });
  const db = service.ctx.db;
  let trees = 0;
  const tree = async (): Promise<Orgs> => {
    const n = ++trees;
    const org = async (code: string, name: string, kind: Kind, parentId: number | null): Promise<Org> => ({ ...(await addOrg(db, { code, name, kind, parentId })), code, name });
    const region = await org(`Y${n}`, `Region ${n}`, 'other', null);
    const trustA = await org(`RA${n}`, `Alder Hospitals NHS Trust ${n}`, 'trust', region.id);
    const siteA1 = await org(`RA${n}S`, `Alder General Hospital ${n}`, 'site', trustA.id);
    const trustB = await org(`RB${n}`, `Birch Community NHS Trust ${n}`, 'trust', region.id);
    return { region, trustA, siteA1, trustB };
  };

  const call = async (method: string, path: string, options: CallOptions = {}): Promise<Reply> => {
    const headers: Record<string, string> = options.token ? await proofHeaders(service, method, path, options.token) : {};
    let body: string | Uint8Array | undefined;
    if (options.json !== undefined) {
      body = JSON.stringify(options.json);
      headers['content-type'] = options.contentType ?? 'application/json';
    } else if (options.raw !== undefined) {
      body = options.raw;
      headers['content-type'] = options.contentType ?? 'application/json';
    }
    const response = await fetch(`${service.url}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Left as text: a test that expected JSON fails on its own assertion.
    }
    return { status: response.status, contentType: response.headers.get('content-type'), body: parsed };
  };

  return {
    service,
    db,
    url: service.url,
    tree,
    setNow: (at) => {
      now = at;
    },
    resetClock: () => {
      now = NOW;
    },
    call,
    close: async () => {
      await service.close();
      rmSync(dirname(storage.secretFile), { recursive: true, force: true });
    },
  };
}

/**
 * Row counts of every table: "nothing changed" is these being equal before and after. The spent
 * proof ids are left out: every authenticated call spends its proof, refused or not (replay).
 */
export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const { rows: tables } =
    testEngine() === 'postgres'
      ? await sql<{ name: string }>`SELECT table_name AS name FROM information_schema.tables
           WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'dpop_proofs' ORDER BY table_name`.execute(db)
      : await sql<{ name: string }>`SELECT name FROM sqlite_master
           WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'dpop_proofs' ORDER BY name`.execute(db);
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const { rows } = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM ${sql.table(name)}`.execute(db);
    counts[name] = Number(rows[0]?.n);
  }
  return counts;
}

export async function auditLength(db: Db): Promise<number> {
  const row = await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function lastAudit(db: Db): Promise<{ actor: string | null; action: string; subject: string | null; workstation_id: string | null; details: string } | undefined> {
  return db.selectFrom('audit_log').select(['actor', 'action', 'subject', 'workstation_id', 'details']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
}

let niCounter = 0;
/** A valid National Insurance number no other test user in this process holds. */
export function uniqueNi(): string {
  niCounter++;
  return `AB${String(100000 + niCounter).padStart(6, '0')}C`;
}
