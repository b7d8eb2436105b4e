import { parseArgs } from 'node:util';
import { personaByKey, seedPersonas } from '../src-service/seed/personas.js';
import { seedTrainingDirectory } from '../src-service/seed/training-directory.js';
import { startService, type RunningService } from '../src-service/start-service.js';
import type { Engine } from '../src-service/store/sql-dialect.js';
import { proofHeaders, sessionFor } from '../test/support/service-fixtures.js';
import { onEachEngine } from './support/engines.js';
import { fmt, median, percentile } from './support/stats.js';
import { runIfMain } from './support/run-main.js';

// A profile with 50 assignments as RA staff open it: GET /v1/users/:uuid (details, 50
// assignments, cards, authenticators, what the viewer may do, pending changes, position
// requests, workgroups) and GET /v1/users/:uuid/history, over HTTP with a DPoP-bound session,
// on SQLite, PostgreSQL or both. The directory is the training one (training-directory.ts): the
// bank nurse with 50 assignments, viewed by the trust's RA manager. Each call's proof is made
// before the clock starts, so the figures are the service's.
//
// npx tsx bench/cim-profile.ts [--engine sqlite|postgres|both] [--calls 300] [--warmup 50]

interface Timed {
  readonly engine: Engine;
  readonly profile: number[];
  readonly history: number[];
  readonly assignments: number;
}

async function timeCalls(service: RunningService, path: string, token: string, calls: number, warmup: number): Promise<{ samples: number[]; body: unknown }> {
  const samples: number[] = [];
  let body: unknown;
  for (let i = 0; i < warmup + calls; i++) {
    const headers = await proofHeaders(service, 'GET', path, token);
    const started = performance.now();
    const response = await fetch(`${service.url}${path}`, { headers });
    body = await response.json();
    const took = performance.now() - started;
    if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(body)}`);
    if (i >= warmup) samples.push(took);
  }
  return { samples, body };
}

async function benchEngine(engine: Engine, dbFile: string, secretFile: string, calls: number, warmup: number): Promise<Timed> {
  const service = await startService({ dbFile, secretFile, host: '127.0.0.1', port: 0, outbox: true });
  try {
    const { db } = service.ctx;
    const seeded = await seedPersonas(db);
    await seedTrainingDirectory(db);
    const manager = seeded.find((s) => s.persona.key === 'ra-manager');
    if (!manager || manager.persona.uuid !== personaByKey('ra-manager').uuid) throw new Error('the RA manager persona is missing');
    const token = await sessionFor(db, manager.userId, manager.positionId);
    const nurse = await db.selectFrom('users').select('uuid').where('family_name', '=', 'Adeyemi-Ward').executeTakeFirstOrThrow();
    const profile = await timeCalls(service, `/v1/users/${nurse.uuid}`, token, calls, warmup);
    const history = await timeCalls(service, `/v1/users/${nurse.uuid}/history`, token, calls, warmup);
    const assignments = (profile.body as { assignments: unknown[] }).assignments.length;
    return { engine, profile: profile.samples, history: history.samples, assignments };
  } finally {
    await service.close();
  }
}

export async function benchCimProfile(): Promise<void> {
  const { values } = parseArgs({
    options: {
      engine: { type: 'string', default: 'both' },
      calls: { type: 'string', default: '300' },
      warmup: { type: 'string', default: '50' },
    },
  });
  if (!['sqlite', 'postgres', 'both'].includes(values.engine)) throw new Error('--engine must be sqlite, postgres or both');
  const engines: Engine[] = values.engine === 'both' ? ['sqlite', 'postgres'] : [values.engine as Engine];
  const calls = Number(values.calls);
  const warmup = Number(values.warmup);
  console.log(`# CIM profile of a user with 50 assignments (${calls} calls each after ${warmup} warm-up; ${engines.join(' and ')})`);
  const results = await onEachEngine(engines, 'profile', ({ engine, db, secretFile }) => benchEngine(engine, db, secretFile, calls, warmup));
  for (const r of results) {
    console.log(
      `${r.engine}: GET /v1/users/:uuid (${r.assignments} assignments shown) median ${fmt(median(r.profile))}, p95 ${fmt(percentile(r.profile, 95))}; ` +
        `GET /v1/users/:uuid/history median ${fmt(median(r.history))}, p95 ${fmt(percentile(r.history, 95))}`,
    );
  }
}

runIfMain(import.meta.url, () => benchCimProfile());
