import { sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { WorkstationKey } from '../src-main/service-client/workstation-key.js';
import { DPOP_HEADER, loginSignedPayload } from '../src-shared/api/service-login.js';
import type { AsymmetricAlgorithm } from '../src-shared/card/virtual-card-state.js';
import { makeCard } from '../src-service/ca/card-factory.js';
import { loadOrCreateCertificateAuthority } from '../src-service/ca/certificate-authority.js';
import { caPassphraseFor, openWithMachineSecret } from '../src-service/crypto/machine-secret-file.js';
import { startPostgresCluster } from '../test/support/postgres-cluster.js';
import { startServiceProcess, type ServiceProcess } from '../test/support/service-process.js';
import { addOrg, addPosition, addUser, assign } from '../test/support/service-fixtures.js';
import { runIfMain } from './support/run-main.js';
import { fmt, median, percentile } from './support/stats.js';

// Card login throughput of the identity service: `npx tsx bench/service-login.ts`
//   [--engine sqlite|postgres] [--instances 1|2|1,2] [--cards 200] [--loops 8] [--seconds 10]
//   [--warmup 2] [--algorithm p256|rsa2048|mixed] [--profile <dir>]
// Each service instance runs in a child process (its own event loop; its CPU and RSS read from
// /proc) on a temp database (a SQLite file, or a PostgreSQL cluster this bench starts and stops)
// with factory-registered cards. The card keys stay in this process and sign here, so the figures
// are the service's: challenge + verify + session per login, over real HTTP. With several
// instances each login's three steps go to different ones, as behind a load balancer. The CPU
// split (instances, PostgreSQL, this client) shows where a 2-core machine's time goes.

interface BenchCard {
  readonly algorithm: AsymmetricAlgorithm;
  readonly privateKey: KeyObject;
  readonly certificate: string;
  readonly positionId: number;
}

const WORKSTATIONS = ['ws-ward-1', 'ws-ward-2', 'ws-clinic-1', 'ws-theatre-3'];

async function setUp(storage: Storage, count: number, mix: 'p256' | 'rsa2048' | 'mixed'): Promise<BenchCard[]> {
  const { db, secret } = await openWithMachineSecret(storage);
  try {
    const ca = await loadOrCreateCertificateAuthority(db, { passphrase: caPassphraseFor({}, secret) });
    const org = await addOrg(db, { code: 'RBN', name: 'Bench Trust' });
    const position = await addPosition(db, { orgId: org.id, title: 'Staff Nurse', jobRole: 'Nurse' });
    const cards: BenchCard[] = [];
    for (let i = 0; i < count; i++) {
      const user = await addUser(db, { given: 'Bench', family: `User${i}`, homeOrgId: org.id });
      await assign(db, user.id, position);
      const algorithm: AsymmetricAlgorithm = mix === 'mixed' ? (i % 2 === 0 ? 'p256' : 'rsa2048') : mix;
      const card = await makeCard({ db, dataKey: secret.dataKey, ca }, { userUuid: user.uuid, algorithm });
      cards.push({ algorithm, privateKey: card.privateKey, certificate: card.certificate.der.toString('base64'), positionId: position });
    }
    return cards;
  } finally {
    await db.destroy();
  }
}

interface Storage {
  readonly dbFile: string;
  readonly secretFile: string;
}

/** What every instance is told: the same database, secret and origin (the cards sign it). */
const ORIGIN = 'http://cis-bench.invalid';

function startChild(storage: Storage, profileDir?: string): Promise<ServiceProcess> {
  return startServiceProcess(
    {
      CIS_DB: storage.dbFile,
      CIS_SECRET_FILE: storage.secretFile,
      CIS_SERVICE_ORIGIN: ORIGIN,
      // One client signing in as fast as it can: the request limits are not what is measured.
      CIS_RATE_LIMIT_PER_CLIENT: '1000000',
      CIS_RATE_LIMIT_GLOBAL: '100000000',
    },
    profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
  );
}

/** CPU time (user + system) the process has used, in ms, from /proc/<pid>/stat. */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}
const CLOCK_TICKS_PER_SECOND = 100;

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

// node:http with keep-alive rather than fetch: undici's fetch costs the client several times
// more CPU per request, and on two cores the client's CPU is taken from the service.
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function post(url: string, body: unknown, extraHeaders: Record<string, string> = {}): Promise<Record<string, unknown>> {
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': data.length, ...extraHeaders } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const json = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        if (res.statusCode !== 200) reject(new Error(`${url}: ${res.statusCode} ${JSON.stringify(json)}`));
        else resolve(json);
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** One key for the bench's client, as one agent has one. */
const workstationKey = WorkstationKey.ephemeral();

/** One login; its steps go to `bases[0]`, `bases[1]`, `bases[2]` (the same one with one instance). */
async function login(bases: readonly [string, string, string], card: BenchCard, workstationId: string): Promise<void> {
  const challenge = await post(`${bases[0]}/v1/login/challenge`, { workstationId });
  const nonce = challenge.nonce as string;
  const payload = Buffer.from(loginSignedPayload({ nonce, serviceOrigin: challenge.serviceOrigin as string, workstationId }));
  const signature = sign('sha256', payload, card.privateKey).toString('base64');
  const verify = await post(`${bases[1]}/v1/login/verify`, { nonce, workstationId, algorithm: card.algorithm, certificate: card.certificate, signature });
  // The session is bound to the workstation key that proves itself here, as the agent's is; the
  // proof names the service's origin, whichever instance answers.
  const path = '/v1/login/session';
  const proof = await workstationKey.proof({ method: 'POST', url: `${ORIGIN}${path}`, now: new Date() });
  await post(`${bases[2]}${path}`, { loginTicket: verify.loginTicket, positionId: card.positionId }, { [DPOP_HEADER]: proof });
}

/** CPU of a process and its children (a PostgreSQL server and its backends), in ms. */
function treeCpuMs(root: number): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(entry) === root || Number(fields[1]) === root) total += ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
    } catch {
      // The process ended while we looked.
    }
  }
  return total;
}

interface RunFigures {
  readonly loginsPerSecond: number;
  readonly line: string;
}

export async function benchServiceLogin(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      engine: { type: 'string', default: 'sqlite' },
      instances: { type: 'string', default: '1' },
      cards: { type: 'string', default: '200' },
      loops: { type: 'string', default: '8' },
      seconds: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      algorithm: { type: 'string', default: 'p256' },
      /** Writes a V8 CPU profile of the service here (open in Chrome DevTools). */
      profile: { type: 'string' },
    },
  });
  const mix = values.algorithm as 'p256' | 'rsa2048' | 'mixed';
  if (!['p256', 'rsa2048', 'mixed'].includes(mix)) throw new Error('--algorithm is p256, rsa2048 or mixed');
  if (values.engine !== 'sqlite' && values.engine !== 'postgres') throw new Error('--engine is sqlite or postgres');
  const counts = values.instances.split(',').map(Number);
  if (counts.some((n) => n !== 1 && n !== 2)) throw new Error('--instances is 1, 2 or 1,2');
  const [cardCount, loops, seconds, warmup] = [values.cards, values.loops, values.seconds, values.warmup].map(Number) as [number, number, number, number];

  const dir = mkdtempSync(join(tmpdir(), 'cis-bench-login-'));
  const cluster = values.engine === 'postgres' ? await startPostgresCluster() : null;
  console.log(
    `# Card login against the identity service (${cluster ? 'PostgreSQL' : 'SQLite WAL'}; ${counts.join(' then ')} instance(s)): ` +
      `${cardCount} ${mix} cards, ${loops} client loops, ${warmup} s warm-up + ${seconds} s; ${cpus().length} cores`,
  );
  const results: RunFigures[] = [];
  try {
    for (const count of counts) {
      // A fresh database for each run, so each starts alike.
      const storage = {
        dbFile: cluster ? `${cluster.url}?schema=bench_${count}` : join(dir, `service-${count}.sqlite`),
        secretFile: join(dir, `secret-${count}.json`),
      };
      results.push(await runOnce(storage, count, { cardCount, mix, loops, seconds, warmup, cluster: cluster?.pid ?? null, profile: values.profile }));
    }
  } finally {
    await cluster?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  for (const r of results) console.log(r.line);
  if (results.length === 2) {
    console.log(`two instances / one: ${((results[1] as RunFigures).loginsPerSecond / (results[0] as RunFigures).loginsPerSecond).toFixed(2)}x logins/s`);
  }
}

async function runOnce(
  storage: Storage,
  count: number,
  o: { cardCount: number; mix: 'p256' | 'rsa2048' | 'mixed'; loops: number; seconds: number; warmup: number; cluster: number | null; profile: string | undefined },
): Promise<RunFigures> {
  const t0 = performance.now();
  // The first instance makes the secret file and the CA; the cards are registered against them.
  const first = await startChild(storage, o.profile);
  const cards = await setUp(storage, o.cardCount, o.mix);
  const children = [first, ...(count === 2 ? [await startChild(storage, o.profile)] : [])];
  console.log(`\n## ${count} instance(s): CA + ${o.cardCount} factory cards registered, instances up in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const pids = children.map((c) => c.process.pid as number);
  const urls = children.map((c) => c.url);
  try {
    const rssBefore = pids.map(rssMiB);
    let cpuAtStart: number[] = [];
    let clientAtStart = process.cpuUsage();
    const start = performance.now();
    const measureFrom = start + o.warmup * 1000;
    const end = measureFrom + o.seconds * 1000;
    setTimeout(() => {
      cpuAtStart = [...pids.map(cpuMs), o.cluster ? treeCpuMs(o.cluster) : 0];
      clientAtStart = process.cpuUsage();
    }, o.warmup * 1000);
    const latencies: number[] = [];
    const windows = new Array<number>(o.seconds).fill(0);
    let errors = 0;
    let firstError: unknown;
    await Promise.all(
      Array.from({ length: o.loops }, async (_, loop) => {
        let i = loop;
        while (performance.now() < end) {
          const card = cards[(i * 7919) % cards.length] as BenchCard;
          const at = (k: number): string => urls[(i + k) % urls.length] as string;
          const began = performance.now();
          try {
            await login([at(0), at(1), at(0)], card, WORKSTATIONS[i % WORKSTATIONS.length] as string);
          } catch (err) {
            errors++;
            firstError ??= err;
          }
          const done = performance.now();
          if (began >= measureFrom && done <= end) {
            latencies.push(done - began);
            windows[Math.floor((done - measureFrom) / 1000)]! += 1;
          }
          i += o.loops;
        }
      }),
    );
    const cpuNow = [...pids.map(cpuMs), o.cluster ? treeCpuMs(o.cluster) : 0];
    const used = cpuNow.map((v, k) => v - (cpuAtStart[k] ?? 0));
    const client = process.cpuUsage(clientAtStart);
    const clientMs = (client.user + client.system) / 1000;
    const wallMs = o.seconds * 1000;
    const pct = (ms: number): string => `${((ms / wallMs) * 100).toFixed(0)}%`;
    const total = windows.reduce((a, b) => a + b, 0);
    const rssAfter = pids.map(rssMiB);
    console.log(`logins/s (1-s windows): median ${median(windows).toFixed(0)}, min ${Math.min(...windows)}, max ${Math.max(...windows)}; overall ${(total / o.seconds).toFixed(0)} (${total} logins in ${o.seconds} s)`);
    console.log(`per-login latency (challenge + verify + session): median ${fmt(median(latencies))}, p95 ${fmt(percentile(latencies, 95))}, p99 ${fmt(percentile(latencies, 99))}`);
    console.log(
      `CPU (100% = one core): ${pids.map((_, k) => `instance ${k + 1} ${pct(used[k] ?? 0)}`).join(', ')}` +
        `${o.cluster ? `, PostgreSQL ${pct(used.at(-1) ?? 0)}` : ''}, client ${pct(clientMs)}; service ${(((used.slice(0, pids.length).reduce((a, b) => a + b, 0)) / total) * 1000).toFixed(0)} µs per login; ` +
        `host load average ${loadavg()[0]?.toFixed(2)}`,
    );
    console.log(`service RSS: ${rssBefore.map((r) => r.toFixed(1)).join(' + ')} MiB before, ${rssAfter.map((r) => r.toFixed(1)).join(' + ')} MiB after`);
    if (errors) console.log(`errors: ${errors} (first: ${String(firstError)})`);
    return { loginsPerSecond: total / o.seconds, line: `${count} instance(s): ${(total / o.seconds).toFixed(0)} logins/s, median latency ${fmt(median(latencies))}` };
  } finally {
    await Promise.all(children.map((c) => c.stop()));
  }
}

runIfMain(import.meta.url, () => benchServiceLogin());
