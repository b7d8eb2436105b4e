import { spawn, type ChildProcess } from 'node:child_process';
import { sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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
import { addOrg, addPosition, addUser, assign } from '../test/support/service-fixtures.js';
import { runIfMain } from './support/run-main.js';
import { fmt, median, percentile } from './support/stats.js';

// Card login throughput of the identity service: `npx tsx bench/service-login.ts`
//   [--cards 200] [--loops 8] [--seconds 10] [--warmup 2] [--algorithm p256|rsa2048|mixed] [--profile <dir>]
// The service runs in a child process (its own event loop; its RSS read from /proc) on a temp
// database with factory-registered cards. The card keys stay in this process and sign here, so
// the figures are the service's: challenge + verify + session per login, over real HTTP.

interface BenchCard {
  readonly algorithm: AsymmetricAlgorithm;
  readonly privateKey: KeyObject;
  readonly certificate: string;
  readonly positionId: number;
}

const WORKSTATIONS = ['ws-ward-1', 'ws-ward-2', 'ws-clinic-1', 'ws-theatre-3'];

async function setUp(dbFile: string, count: number, mix: 'p256' | 'rsa2048' | 'mixed'): Promise<BenchCard[]> {
  const { db, secret } = await openWithMachineSecret({ dbFile });
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

function startChild(dbFile: string, profileDir?: string): Promise<{ child: ChildProcess; url: string }> {
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'src-service/cli.ts', 'serve', '--db', dbFile, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    // One client signing in as fast as it can: the request limits are not what is measured.
    env: { ...process.env, CIS_RATE_LIMIT_PER_CLIENT: '1000000', CIS_RATE_LIMIT_GLOBAL: '100000000' },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`service exited early (${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /identity service ready: (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] as string });
    });
  });
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

async function login(base: string, card: BenchCard, workstationId: string): Promise<void> {
  const challenge = await post(`${base}/v1/login/challenge`, { workstationId });
  const nonce = challenge.nonce as string;
  const payload = Buffer.from(loginSignedPayload({ nonce, serviceOrigin: challenge.serviceOrigin as string, workstationId }));
  const signature = sign('sha256', payload, card.privateKey).toString('base64');
  const verify = await post(`${base}/v1/login/verify`, { nonce, workstationId, algorithm: card.algorithm, certificate: card.certificate, signature });
  // The session is bound to the workstation key that proves itself here, as the agent's is.
  const url = `${base}/v1/login/session`;
  const proof = await workstationKey.proof({ method: 'POST', url, now: new Date() });
  await post(url, { loginTicket: verify.loginTicket, positionId: card.positionId }, { [DPOP_HEADER]: proof });
}

export async function benchServiceLogin(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
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
  const [cardCount, loops, seconds, warmup] = [values.cards, values.loops, values.seconds, values.warmup].map(Number) as [number, number, number, number];

  const dir = mkdtempSync(join(tmpdir(), 'cis-bench-login-'));
  const dbFile = join(dir, 'service.sqlite');
  console.log(`# Card login against the identity service (child process, SQLite WAL): ${cardCount} ${mix} cards, ${loops} client loops, ${warmup} s warm-up + ${seconds} s`);
  const t0 = performance.now();
  const cards = await setUp(dbFile, cardCount, mix);
  console.log(`setup: CA + ${cardCount} factory cards registered in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const { child, url } = await startChild(dbFile, values.profile);
  const pid = child.pid as number;
  try {
    const rssBefore = rssMiB(pid);
    let cpuAtStart = 0;
    const start = performance.now();
    const measureFrom = start + warmup * 1000;
    const end = measureFrom + seconds * 1000;
    setTimeout(() => (cpuAtStart = cpuMs(pid)), warmup * 1000);
    const latencies: number[] = [];
    const windows = new Array<number>(seconds).fill(0);
    let errors = 0;
    let firstError: unknown;
    await Promise.all(
      Array.from({ length: loops }, async (_, loop) => {
        let i = loop;
        while (performance.now() < end) {
          const card = cards[(i * 7919) % cards.length] as BenchCard;
          const began = performance.now();
          try {
            await login(url, card, WORKSTATIONS[i % WORKSTATIONS.length] as string);
          } catch (err) {
            errors++;
            firstError ??= err;
          }
          const done = performance.now();
          if (began >= measureFrom && done <= end) {
            latencies.push(done - began);
            windows[Math.floor((done - measureFrom) / 1000)]! += 1;
          }
          i += loops;
        }
      }),
    );
    const serviceCpu = cpuMs(pid) - cpuAtStart;
    const rssAfter = rssMiB(pid);
    const total = windows.reduce((a, b) => a + b, 0);
    console.log(`logins/s (1-s windows): median ${median(windows).toFixed(0)}, min ${Math.min(...windows)}, max ${Math.max(...windows)}; overall ${(total / seconds).toFixed(0)} (${total} logins in ${seconds} s)`);
    console.log(`per-login latency (challenge + verify + session): median ${fmt(median(latencies))}, p95 ${fmt(percentile(latencies, 95))}, p99 ${fmt(percentile(latencies, 99))}`);
    console.log(
      `service CPU: ${((serviceCpu / (seconds * 1000)) * 100).toFixed(0)}% of one core, ${((serviceCpu / total) * 1000).toFixed(0)} µs per login; host load average ${loadavg()[0]?.toFixed(2)} on ${cpus().length} cores`,
    );
    console.log(`service RSS: ${rssBefore.toFixed(1)} MiB before, ${rssAfter.toFixed(1)} MiB after`);
    if (errors) console.log(`errors: ${errors} (first: ${String(firstError)})`);
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

runIfMain(import.meta.url, () => benchServiceLogin());
