import { parseArgs } from 'node:util';
import { BULK_COLUMNS } from '../src-shared/api/apply.js';
import { startService, type RunningService } from '../src-service/start-service.js';
import type { Engine } from '../src-service/store/sql-dialect.js';
import { actor, addOrg, addPosition, proofHeaders } from '../test/support/service-fixtures.js';
import { onEachEngine } from './support/engines.js';
import { fmt, median, percentile } from './support/stats.js';
import { runIfMain } from './support/run-main.js';

// A bulk invitation of 500 applicants end to end, as a sponsor's upload does it: POST
// /v1/apply/bulk (read the CSV, check every row as a single application is, keep the check) and
// POST /v1/apply/bulk/:batchId/send (one application per row with both links minted, audited,
// then each applicant's email and text written to the outbox), over HTTP with a DPoP-bound
// session, on SQLite, PostgreSQL or both. Each run is a new file of new people, so the store
// grows as it would; the proof is made before the clock starts.
//
// npx tsx bench/apply-bulk-invite.ts [--engine sqlite|postgres|both] [--rows 500] [--runs 5]

interface Timed {
  readonly engine: Engine;
  readonly check: number[];
  readonly send: number[];
  readonly rows: number;
}

let people = 0;
function bulkFile(rows: number, positionId: number): string {
  const lines = [BULK_COLUMNS.join(',')];
  for (let i = 0; i < rows; i++) {
    people++;
    const ni = `AB${String(people).padStart(6, '0')}C`;
    lines.push(`Bench,Applicant${people},1990-01-01,${ni},bench.applicant${people}@example.nhs.net,07700900${String(people % 1000).padStart(3, '0')},${positionId},Ward clerk access`);
  }
  return lines.join('\r\n') + '\r\n';
}

async function post(service: RunningService, path: string, token: string, json?: unknown): Promise<{ ms: number; body: Record<string, unknown> }> {
  const headers: Record<string, string> = await proofHeaders(service, 'POST', path, token);
  if (json !== undefined) headers['content-type'] = 'application/json';
  const payload = json === undefined ? undefined : JSON.stringify(json);
  const started = performance.now();
  const response = await fetch(`${service.url}${path}`, { method: 'POST', headers, ...(payload !== undefined ? { body: payload } : {}) });
  const body = (await response.json()) as Record<string, unknown>;
  const ms = performance.now() - started;
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(body).slice(0, 500)}`);
  return { ms, body };
}

async function benchEngine(engine: Engine, dbFile: string, secretFile: string, rows: number, runs: number): Promise<Timed> {
  const service = await startService({ dbFile, secretFile, host: '127.0.0.1', port: 0, outbox: true });
  try {
    const { db } = service.ctx;
    const trust = await addOrg(db, { code: 'RBN', name: 'Bench Hospitals NHS Trust', kind: 'trust' });
    const position = await addPosition(db, { orgId: trust.id, title: 'Ward Clerk' });
    const sponsor = await actor(db, trust.id, ['S'], 'Bench Sponsor');
    await db.insertInto('apply_settings').values({ user_id: sponsor.userId, query_email: 'bench.queries@example.nhs.net', changed_at: Date.now() }).execute();
    const check: number[] = [];
    const send: number[] = [];
    // One unmeasured run first: connections, statement caches, JIT.
    for (let run = 0; run <= runs; run++) {
      const checked = await post(service, '/v1/apply/bulk', sponsor.token, { fileName: 'bench.csv', csv: bulkFile(rows, position) });
      if (checked.body['valid'] !== rows) throw new Error(`expected ${rows} valid rows, the check found ${String(checked.body['valid'])}`);
      const sent = await post(service, `/v1/apply/bulk/${String(checked.body['batchId'])}/send`, sponsor.token);
      if ((sent.body['created'] as unknown[]).length !== rows) throw new Error(`expected ${rows} applications, the send made ${(sent.body['created'] as unknown[]).length}`);
      if (run > 0) {
        check.push(checked.ms);
        send.push(sent.ms);
      }
    }
    const outbox = await db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    if (Number(outbox.n) !== 2 * rows * (runs + 1)) throw new Error(`expected ${2 * rows * (runs + 1)} messages in the outbox, found ${outbox.n}`);
    return { engine, check, send, rows };
  } finally {
    await service.close();
  }
}

export async function benchApplyBulk(): Promise<void> {
  const { values } = parseArgs({
    options: {
      engine: { type: 'string', default: 'both' },
      rows: { type: 'string', default: '500' },
      runs: { type: 'string', default: '5' },
    },
  });
  if (!['sqlite', 'postgres', 'both'].includes(values.engine)) throw new Error('--engine must be sqlite, postgres or both');
  const engines: Engine[] = values.engine === 'both' ? ['sqlite', 'postgres'] : [values.engine as Engine];
  const rows = Number(values.rows);
  const runs = Number(values.runs);
  console.log(`# Apply for Care ID: bulk invitation of ${rows} applicants, check then send over HTTP (${runs} runs after 1 warm-up; ${engines.join(' and ')})`);
  const results = await onEachEngine(engines, 'apply-bulk', ({ engine, db, secretFile }) => benchEngine(engine, db, secretFile, rows, runs));
  for (const r of results) {
    const total = r.check.map((c, i) => c + (r.send[i] ?? 0));
    console.log(
      `${r.engine}: check median ${fmt(median(r.check))}, p95 ${fmt(percentile(r.check, 95))}; ` +
        `send (${r.rows} applications, ${2 * r.rows} messages) median ${fmt(median(r.send))}, p95 ${fmt(percentile(r.send, 95))}; ` +
        `per applicant end to end median ${fmt(median(total) / r.rows)}`,
    );
  }
}

runIfMain(import.meta.url, () => benchApplyBulk());
