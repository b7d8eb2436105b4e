import { parseArgs } from 'node:util';
import { endSignIns } from '../src-service/oidc/backchannel-logout.js';
import { CookieJar, clinician, signIn, startRig, type App, type Rig } from '../test/support/oidc-rig.js';
import type { Engine } from '../src-service/store/sql-dialect.js';
import { onEachEngine } from './support/engines.js';
import { runIfMain } from './support/run-main.js';
import { fmt, median, percentile } from './support/stats.js';

// Sign-in for other apps: `npm run bench:oidc-flows` [--engine sqlite|postgres|both] [--seconds 10]
//   [--fanouts 20]
// 1. Authorization code flows per second: 8 relying parties (openid-client) sign clinicians in
//    at once, each flow in full over HTTP (authorization request, the sign-in finished by
//    finishSignIn as the sign-in page does, the resume, the code exchanged with PKCE); the service
//    runs in this process on a temp database (a SQLite file, or a PostgreSQL cluster it starts).
// 2. The service-side fan-out: from endSignIns (what every session end calls) until every app's
//    back-channel endpoint has received its logout token, for a session signed in to 1 and to 10 apps.

const APPS = 10;
const FLOW_CLIENTS = 8;

interface EngineFigures {
  readonly engine: string;
  readonly flowsPerSecond: number;
  readonly flowMs: number[];
  readonly fanout: Record<number, number[]>;
}

async function flows(rig: Rig, apps: App[], seconds: number): Promise<{ perSecond: number; ms: number[] }> {
  const ms: number[] = [];
  const people = await Promise.all(apps.map((_, i) => clinician(rig, `Bench Person${i}`)));
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    apps.map(async (app, i) => {
      const who = people[i] as (typeof people)[number];
      while (performance.now() < until) {
        const t = performance.now();
        // A fresh browser each time: every flow meets the sign-in page, none is single sign-on.
        await signIn(rig, app, new CookieJar(), { userId: who.userId, aal: 3, kind: 'smartcard', agentSessionId: who.sessionId });
        ms.push(performance.now() - t);
      }
    }),
  );
  return { perSecond: ms.length / ((performance.now() - started) / 1000), ms };
}

async function fanout(rig: Rig, apps: App[], count: number, runs: number): Promise<number[]> {
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const who = await clinician(rig, `Fanout Person${count}x${r}`);
    const jar = new CookieJar();
    for (const [i, app] of apps.slice(0, count).entries()) {
      await signIn(rig, app, jar, i === 0 ? { userId: who.userId, aal: 3, kind: 'smartcard', agentSessionId: who.sessionId } : null);
    }
    const before = rig.backchannel.received.length;
    const t = performance.now();
    await endSignIns(rig.service.ctx, { agentSessionIds: [who.sessionId] }, 'logout');
    const got = await rig.backchannel.until(before + count, 10_000);
    const arrivals = got.slice(before).filter((g) => g.payload.sub === who.uuid);
    if (arrivals.length < count) throw new Error(`only ${arrivals.length} of ${count} apps were told`);
    ms.push(Math.max(...arrivals.map((a) => a.at)) - t);
  }
  return ms;
}

async function benchEngine(engine: string, dbFile: string, secretFile: string, seconds: number, fanouts: number): Promise<EngineFigures> {
  const clients = Array.from({ length: APPS }, (_, i) => ({ clientId: `bench-app-${i + 1}` }));
  // Eight browsers on one address: the per-address request limit is for the internet, not this bench.
  const rig = await startRig(clients, { dbFile, secretFile, rateLimitPerClient: 1_000_000, rateLimitGlobal: 100_000_000 });
  try {
    const apps = await Promise.all(clients.map((c) => rig.app(c.clientId)));
    await flows(rig, apps.slice(0, FLOW_CLIENTS), 1); // warm-up
    const measured = await flows(rig, apps.slice(0, FLOW_CLIENTS), seconds);
    const fanout1 = await fanout(rig, apps, 1, fanouts);
    const fanout10 = await fanout(rig, apps, APPS, fanouts);
    return { engine, flowsPerSecond: measured.perSecond, flowMs: measured.ms, fanout: { 1: fanout1, [APPS]: fanout10 } };
  } finally {
    await rig.close();
  }
}

export async function benchOidcFlows(): Promise<void> {
  const { values } = parseArgs({
    options: { engine: { type: 'string', default: 'both' }, seconds: { type: 'string', default: '10' }, fanouts: { type: 'string', default: '20' } },
  });
  if (!['sqlite', 'postgres', 'both'].includes(values.engine)) throw new Error('--engine must be sqlite, postgres or both');
  const engines: Engine[] = values.engine === 'both' ? ['sqlite', 'postgres'] : [values.engine as Engine];
  const seconds = Number(values.seconds);
  const fanouts = Number(values.fanouts);
  console.log(`# OpenID Connect code flows with ${FLOW_CLIENTS} clients for ${seconds} s, and back-channel fan-out (${fanouts} runs) on ${engines.join(' and ')}`);
  const results = await onEachEngine(engines, 'oidc', ({ engine, db, secretFile }) => benchEngine(engine, db, secretFile, seconds, fanouts));
  for (const r of results) {
    console.log(
      `${r.engine}: ${r.flowsPerSecond.toFixed(1)} code flows/s (${r.flowMs.length} flows; one flow median ${fmt(median(r.flowMs))}, p95 ${fmt(percentile(r.flowMs, 95))}); ` +
        `fan-out endSignIns -> tokens received: 1 app median ${fmt(median(r.fanout[1] ?? []))} (p95 ${fmt(percentile(r.fanout[1] ?? [], 95))}), ` +
        `${APPS} apps median ${fmt(median(r.fanout[APPS] ?? []))} (p95 ${fmt(percentile(r.fanout[APPS] ?? [], 95))})`,
    );
  }
}

runIfMain(import.meta.url, () => benchOidcFlows());
