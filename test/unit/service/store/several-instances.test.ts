import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginSignedPayload } from '../../../../src-shared/api/service-login.js';
import { makeCard, type MadeCard } from '../../../../src-service/ca/card-factory.js';
import { loadOrCreateCertificateAuthority } from '../../../../src-service/ca/certificate-authority.js';
import { caPassphraseFor, openWithMachineSecret } from '../../../../src-service/crypto/machine-secret-file.js';
import { readOutbox } from '../../../../src-service/notify/outbox.js';
import type { Db } from '../../../../src-service/store/database.js';
import { verifyAuditLog } from '../../../../src-service/audit/audit-log.js';
import type { MachineSecret } from '../../../../src-service/crypto/machine-secret.js';
import { aesBlock } from '../../../support/card-proof.js';
import { callInstance, startServiceProcess, type InstanceReply, type ServiceProcess } from '../../../support/service-process.js';
import { addOrg, addPosition, addUser, assign, testEngine, testStorage } from '../../../support/service-fixtures.js';
import { cardAnswer } from '../support/card-login-rig.js';

// Several service processes on one database (SQLite file or PostgreSQL, whichever this run
// tests): every step of a flow may reach a different instance, as it does behind a load
// balancer, and must work exactly as on one. Nothing that matters lives in one process.

const ORIGIN = 'https://cis.example.test';
const WS = 'ws-instances-1';

let a: ServiceProcess;
let b: ServiceProcess;
let db: Db;
let secret: MachineSecret;
let card: MadeCard;
let positionId: number;

const call = (to: ServiceProcess, method: string, path: string, json?: unknown, token?: string): Promise<InstanceReply> =>
  callInstance(to, ORIGIN, method, path, json, token);

beforeAll(async () => {
  const storage = testStorage('cis-instances-');
  const env = { CIS_DB: storage.dbFile, CIS_SECRET_FILE: storage.secretFile, CIS_SERVICE_ORIGIN: ORIGIN, CIS_OUTBOX: 'true' };
  // The first start makes the secret and the CA; the second finds both.
  a = await startServiceProcess(env);
  b = await startServiceProcess(env);
  ({ db, secret } = await openWithMachineSecret(storage));
  const ca = await loadOrCreateCertificateAuthority(db, { passphrase: caPassphraseFor({}, secret) });
  const org = await addOrg(db, { code: `I${Date.now()}`, name: 'Instances Trust' });
  const user = await addUser(db, { given: 'Ife', family: 'Adeyemi', homeOrgId: org.id, email: 'ife.adeyemi@nhs.net' });
  positionId = await addPosition(db, { orgId: org.id, title: 'Staff Nurse', roles: [] });
  await assign(db, user.id, positionId);
  card = await makeCard({ db, dataKey: secret.dataKey, ca }, { userUuid: user.uuid, algorithm: 'p256' });
}, 90_000);

afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.destroy();
});

describe(`two service instances on one ${testEngine() === 'postgres' ? 'PostgreSQL database' : 'SQLite file'}`, () => {
  it('rule: the two instances report the same database and schema', async () => {
    const [ha, hb] = [await call(a, 'GET', '/v1/health'), await call(b, 'GET', '/v1/health')];
    expect(ha.status).toBe(200);
    expect(hb.body).toEqual(ha.body);
    expect(ha.body.database).toBe(testEngine());
  });

  it('rule: a login whose challenge came from A verifies at B, its session opens at B, and the session works at A', async () => {
    const challenge = await call(a, 'POST', '/v1/login/challenge', { workstationId: WS });
    expect(challenge.status).toBe(200);
    expect(challenge.body.serviceOrigin).toBe(ORIGIN);
    const answer = await cardAnswer(card.state, loginSignedPayload({ nonce: challenge.body.nonce, serviceOrigin: ORIGIN, workstationId: WS }));
    const verify = await call(b, 'POST', '/v1/login/verify', {
      nonce: challenge.body.nonce,
      workstationId: WS,
      algorithm: 'p256',
      certificate: answer.certificate.toString('base64'),
      signature: answer.signature.toString('base64'),
    });
    expect(verify.status).toBe(200);
    // The challenge is spent for every instance, not just the one that took it.
    const replay = await call(a, 'POST', '/v1/login/verify', {
      nonce: challenge.body.nonce,
      workstationId: WS,
      algorithm: 'p256',
      certificate: answer.certificate.toString('base64'),
      signature: answer.signature.toString('base64'),
    });
    expect(replay.status).toBe(401);
    const session = await call(b, 'POST', '/v1/login/session', { loginTicket: verify.body.loginTicket, positionId });
    expect(session.status).toBe(200);
    const token = session.body.token as string;
    const found = await call(a, 'POST', '/v1/users/search', { name: 'Adeyemi' }, token);
    expect(found.status).toBe(200);
    expect(found.body.results.map((u: { name: string }) => u.name)).toContain('Ife Adeyemi');
    // Ended at A, it is ended at B too.
    expect((await call(a, 'POST', '/v1/logout', undefined, token)).status).toBe(200);
    expect((await call(b, 'POST', '/v1/users/search', { name: 'Adeyemi' }, token)).status).toBe(401);
  });

  it('rule: a self-service unlock split across the instances step by step completes, and the audit chain written by both verifies', async () => {
    const key = Buffer.from(card.state.managementKey.key, 'hex');
    // The card's proof: the exchange opened at A is answered at B.
    const proofWitness = await call(a, 'POST', '/v1/card-proof/witness', { workstationId: WS, cardUuid: card.cardUuid, witness: aesBlock(key, randomBytes(16)).toString('base64') });
    expect(proofWitness.status).toBe(200);
    const opened = await call(b, 'POST', '/v1/unlock/self', {
      workstationId: WS,
      cardUuid: card.cardUuid,
      certificate: card.certificate.der.toString('base64'),
      cardProof: { exchangeId: proofWitness.body.exchangeId, cardResponse: aesBlock(key, Buffer.from(proofWitness.body.challenge, 'base64')).toString('base64') },
    });
    expect(opened.status).toBe(200);
    const unlockId = opened.body.unlockId as string;
    const message = (await readOutbox(db, 1))[0];
    const code = /\b(\d{6})\b/.exec(message?.text ?? '')?.[1];
    expect(code).toBeDefined();
    expect((await call(a, 'POST', `/v1/unlock/${unlockId}/code`, { workstationId: WS, code })).status).toBe(200);
    const plain = randomBytes(16);
    const witness = await call(b, 'POST', `/v1/unlock/${unlockId}/card-witness`, { workstationId: WS, witness: aesBlock(key, plain).toString('base64') });
    expect(witness.status).toBe(200);
    expect(Buffer.from(witness.body.witness, 'base64').equals(plain)).toBe(true);
    const release = await call(a, 'POST', `/v1/unlock/${unlockId}/release`, {
      workstationId: WS,
      exchangeId: witness.body.exchangeId,
      cardResponse: aesBlock(key, Buffer.from(witness.body.challenge, 'base64')).toString('base64'),
    });
    expect(release.status).toBe(200);
    expect(release.body.nextPuk).not.toBe(release.body.puk);
    expect((await call(b, 'POST', `/v1/unlock/${unlockId}/commit`, { workstationId: WS })).status).toBe(200);
    // Committed at B: A refuses to release it again.
    const again = await call(a, 'POST', `/v1/unlock/${unlockId}/card-witness`, { workstationId: WS, witness: aesBlock(key, randomBytes(16)).toString('base64') });
    expect(again.status).toBe(409);
    const audit = await verifyAuditLog(db, secret.audit);
    expect(audit.ok).toBe(true);
    expect(audit.entries).toBeGreaterThan(3);
  });
});
