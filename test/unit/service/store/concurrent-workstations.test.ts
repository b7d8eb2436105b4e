import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginSignedPayload } from '../../../../src-shared/api/service-login.js';
import { verifyAuditLog } from '../../../../src-service/audit/audit-log.js';
import { makeCard, type MadeCard } from '../../../../src-service/ca/card-factory.js';
import { loadOrCreateCertificateAuthority } from '../../../../src-service/ca/certificate-authority.js';
import { caPassphraseFor, openWithMachineSecret } from '../../../../src-service/crypto/machine-secret-file.js';
import type { MachineSecret } from '../../../../src-service/crypto/machine-secret.js';
import type { Db } from '../../../../src-service/store/database.js';
import { callInstance, startServiceProcess, type InstanceReply, type ServiceProcess } from '../../../support/service-process.js';
import { addOrg, addPosition, addUser, assign, testEngine, testStorage } from '../../../support/service-fixtures.js';
import { cardAnswer } from '../support/card-login-rig.js';

// Many workstations at once against two service processes on one database: logins, searches,
// detail changes and position requests and decisions, for a while, as fast as they go. Then the
// database is compared with what every client was told: each accepted write is there, each
// refused one is not, no request is decided twice, and the audit chain both wrote verifies.
// (Lost writes under concurrency are the bug this looks for; how fast is for bench/.)

const WORKSTATIONS = 50;
const SECONDS = Number(process.env.CIS_CONCURRENCY_SECONDS ?? 30);
const ORIGIN = 'https://cis.example.test';
const POSITIONS = 40;

let instances: ServiceProcess[] = [];
let db: Db;
let secret: MachineSecret;

interface Workstation {
  readonly id: string;
  readonly card: MadeCard;
  readonly positionId: number;
  /** The user whose details only this workstation changes. */
  readonly targetUuid: string;
}

const workstations: Workstation[] = [];
const openPositions: number[] = [];

const call = (to: ServiceProcess, method: string, path: string, json?: unknown, token?: string): Promise<InstanceReply> =>
  callInstance(to, ORIGIN, method, path, json, token);

const pick = <T,>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

beforeAll(async () => {
  const storage = testStorage('cis-concurrent-');
  const env = {
    CIS_DB: storage.dbFile,
    CIS_SECRET_FILE: storage.secretFile,
    CIS_SERVICE_ORIGIN: ORIGIN,
    // Every simulated workstation calls from 127.0.0.1: one client address, many people.
    CIS_RATE_LIMIT_PER_CLIENT: '1000000',
    CIS_RATE_LIMIT_GLOBAL: '100000000',
  };
  instances = [await startServiceProcess(env), await startServiceProcess(env)];
  ({ db, secret } = await openWithMachineSecret(storage));
  const ca = await loadOrCreateCertificateAuthority(db, { passphrase: caPassphraseFor({}, secret) });
  const org = await addOrg(db, { code: `C${Date.now()}`, name: 'Concurrency Trust' });
  for (let i = 0; i < POSITIONS; i++) openPositions.push(await addPosition(db, { orgId: org.id, title: `Ward post ${i}`, roles: [] }));
  for (let i = 0; i < WORKSTATIONS; i++) {
    const user = await addUser(db, { given: 'Agent', family: `Concurrent${i}`, homeOrgId: org.id, email: `agent${i}@nhs.net` });
    const positionId = await addPosition(db, { orgId: org.id, title: `RA agent ${i}`, roles: ['RAA'] });
    await assign(db, user.id, positionId);
    const target = await addUser(db, { given: 'Target', family: `Person${i}`, homeOrgId: org.id, mobile: '07700900000' });
    const card = await makeCard({ db, dataKey: secret.dataKey, ca }, { userUuid: user.uuid, algorithm: 'p256' });
    workstations.push({ id: `ws-concurrent-${i}`, card, positionId, targetUuid: target.uuid });
  }
}, 180_000);

afterAll(async () => {
  await Promise.all(instances.map((s) => s.stop()));
  await db?.destroy();
});

/** What the clients were told. */
const told = {
  sessions: 0,
  searches: 0,
  /** target uuid → the last mobile number a change of it was accepted with. */
  lastMobile: new Map<string, string>(),
  detailChanges: 0,
  createdRequests: new Set<number>(),
  /** request id → the decisions accepted for it. */
  decisions: new Map<number, ('granted' | 'rejected')[]>(),
  refused: 0,
  failures: [] as string[],
};

async function login(ws: Workstation): Promise<string | null> {
  const [first, second] = Math.random() < 0.5 ? [instances[0]!, instances[1]!] : [instances[1]!, instances[0]!];
  const challenge = await call(first, 'POST', '/v1/login/challenge', { workstationId: ws.id });
  if (challenge.status !== 200) return (told.failures.push(`challenge ${challenge.status}`), null);
  const answer = await cardAnswer(ws.card.state, loginSignedPayload({ nonce: challenge.body.nonce, serviceOrigin: ORIGIN, workstationId: ws.id }));
  const verify = await call(second, 'POST', '/v1/login/verify', {
    nonce: challenge.body.nonce,
    workstationId: ws.id,
    algorithm: 'p256',
    certificate: answer.certificate.toString('base64'),
    signature: answer.signature.toString('base64'),
  });
  if (verify.status !== 200) return (told.failures.push(`verify ${verify.status}`), null);
  const session = await call(pick(instances), 'POST', '/v1/login/session', { loginTicket: verify.body.loginTicket, positionId: ws.positionId });
  if (session.status !== 200) return (told.failures.push(`session ${session.status}`), null);
  told.sessions++;
  return session.body.token as string;
}

async function workstationLoop(ws: Workstation, until: number): Promise<void> {
  let token: string | null = null;
  let changes = 0;
  while (Date.now() < until) {
    // Now and then a workstation signs in again (a new session), as shifts change.
    if (token === null || Math.random() < 0.05) {
      token = await login(ws);
      continue;
    }
    const to = pick(instances);
    const dice = Math.random();
    if (dice < 0.35) {
      const res = await call(to, 'POST', '/v1/users/search', { name: `Person${Math.floor(Math.random() * WORKSTATIONS)}` }, token);
      if (res.status === 200) told.searches++;
      else told.failures.push(`search ${res.status}`);
    } else if (dice < 0.6) {
      // 07, the workstation's two digits, the change's seven: a UK mobile number no other change uses.
      const mobile = `07${ws.id.split('-').at(-1)!.padStart(2, '0')}${String(++changes).padStart(7, '0')}`;
      const res = await call(to, 'PATCH', `/v1/users/${ws.targetUuid}/details`, { mobile }, token);
      if (res.status === 200 && res.body.outcome === 'changed') {
        told.lastMobile.set(ws.targetUuid, mobile);
        told.detailChanges++;
      } else told.failures.push(`details ${res.status}`);
    } else if (dice < 0.8) {
      const res = await call(to, 'POST', '/v1/me/position-requests', { positionIds: [pick(openPositions)], startDate: '2027-01-01' }, token);
      if (res.status === 201) for (const r of res.body.requests as { id: number }[]) told.createdRequests.add(r.id);
      else if (res.status === 409) told.refused++;
      else told.failures.push(`request ${res.status}`);
    } else {
      const list = await call(to, 'GET', '/v1/position-requests', undefined, token);
      if (list.status !== 200) {
        told.failures.push(`list ${list.status}`);
        continue;
      }
      const pending = list.body.requests as { id: number }[];
      if (pending.length === 0) continue;
      const chosen = pick(pending).id;
      const grant = Math.random() < 0.5;
      const res = await call(pick(instances), 'POST', `/v1/position-requests/${chosen}/${grant ? 'grant' : 'reject'}`, grant ? undefined : { reason: 'Not needed on this ward' }, token);
      if (res.status === 200) told.decisions.set(chosen, [...(told.decisions.get(chosen) ?? []), grant ? 'granted' : 'rejected']);
      else if (res.status === 409 || res.status === 403) told.refused++;
      else told.failures.push(`decide ${res.status}`);
    }
  }
}

describe(`${WORKSTATIONS} workstations against two instances on ${testEngine() === 'postgres' ? 'PostgreSQL' : 'one SQLite file'} for ${SECONDS} s`, () => {
  it(
    'rule: no accepted write is lost: the database holds exactly what every client was told, and the audit chain verifies',
    async () => {
      const until = Date.now() + SECONDS * 1000;
      await Promise.all(workstations.map((ws) => workstationLoop(ws, until)));

      expect(told.failures).toEqual([]);
      expect(told.sessions).toBeGreaterThanOrEqual(WORKSTATIONS);
      expect(told.detailChanges).toBeGreaterThan(0);
      expect(told.createdRequests.size).toBeGreaterThan(0);

      // Sessions: one row per session a client was given.
      const sessions = await db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(sessions.n)).toBe(told.sessions);
      // Details: each target holds the last number its workstation was told was saved.
      for (const [uuid, mobile] of told.lastMobile) {
        const row = await db.selectFrom('users').select('mobile').where('uuid', '=', uuid).executeTakeFirstOrThrow();
        expect(row.mobile).toBe(mobile);
      }
      // Requests: exactly the ones clients were told were created.
      const requests = await db.selectFrom('position_requests').select(['id', 'status']).execute();
      expect(new Set(requests.map((r) => r.id))).toEqual(told.createdRequests);
      // Decisions: none accepted twice, and each is what the database says.
      for (const [id, decisions] of told.decisions) {
        expect(decisions).toHaveLength(1);
        expect(requests.find((r) => r.id === id)?.status).toBe(decisions[0]);
      }
      const undecided = requests.filter((r) => !told.decisions.has(r.id));
      expect(undecided.every((r) => r.status === 'pending')).toBe(true);
      // The audit log: one entry per accepted change, in one chain that verifies.
      const audit = await verifyAuditLog(db, secret.audit);
      expect(audit.ok).toBe(true);
      const created = await db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).where('action', '=', 'position-request.created').executeTakeFirstOrThrow();
      expect(Number(created.n)).toBe(told.createdRequests.size);
      console.log(
        `${testEngine()}: ${told.sessions} sessions, ${told.searches} searches, ${told.detailChanges} detail changes, ${told.createdRequests.size} position requests, ` +
          `${told.decisions.size} decisions, ${told.refused} refused as the rules say, ${audit.entries} audit entries`,
      );
    },
    SECONDS * 1000 + 120_000,
  );
});
