import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { ApduChannel } from '../../../../src-main/card/apdu-channel.js';
import { parseAtr } from '../../../../src-main/card/atr.js';
import { ALG, SLOT } from '../../../../src-main/card/piv/piv-constants.js';
import { PivSession } from '../../../../src-main/card/piv/piv-session.js';
import { InProcessReaderDriver } from '../../../../src-main/virtual-card/in-process-readers.js';
import { PivCardEngine } from '../../../../src-main/virtual-card/piv-card-engine.js';
import { loginSignedPayload } from '../../../../src-shared/api/service-login.js';
import type { VirtualCardState } from '../../../../src-shared/card/virtual-card-state.js';
import { startService, type RunningService } from '../../../../src-service/start-service.js';
import type { Db } from '../../../../src-service/store/database.js';
import type { WorkstationKey } from '../../../../src-main/service-client/workstation-key.js';
import { addOrg, addPosition, addUser, assign, proofHeaders, TEST_KEY, testStorage } from '../../../support/service-fixtures.js';

export { auditRows } from '../../../support/service-fixtures.js';

// What the login, CA and card-factory tests share: a factory card in the software PIV card
// engine, driven by the agent's own PivSession through the in-process reader driver (the card
// side of a login, exactly as the workstation does it), and a JSON fetch helper.
// (Not a test file: vitest only collects *.test.ts.)

const READER = 'Reader 1';

/** Runs `fn` in one reader transaction on a card made from `state`, PIV selected. */
export async function withCard<T>(state: VirtualCardState, fn: (piv: PivSession, engine: PivCardEngine) => Promise<T>): Promise<T> {
  const driver = new InProcessReaderDriver([READER]);
  const engine = new PivCardEngine(state);
  driver.insert(READER, engine);
  try {
    return await driver.transaction(READER, async (transport, atr) => {
      const piv = new PivSession(new ApduChannel(transport, { extendedLength: parseAtr(atr).extendedLength }));
      await piv.select();
      return fn(piv, engine);
    });
  } finally {
    await driver.close();
  }
}

export const cardAlg = (state: VirtualCardState): typeof ALG.RSA2048 | typeof ALG.ECC_P256 =>
  state.keys['9a']?.algorithm === 'p256' ? ALG.ECC_P256 : ALG.RSA2048;

/** What the agent does with the card at login: read the certificate, VERIFY, sign the payload. */
export async function cardAnswer(state: VirtualCardState, payload: string, passcode = '123456'): Promise<{ certificate: Buffer; signature: Buffer }> {
  return withCard(state, async (piv) => {
    const certificate = await piv.readCertificate(SLOT.AUTHENTICATION);
    if (!certificate) throw new Error('no 9A certificate on the card');
    await piv.verifyPin(Buffer.from(passcode, 'ascii'));
    const signature = await piv.sign(SLOT.AUTHENTICATION, cardAlg(state), Buffer.from(payload, 'utf8'));
    return { certificate, signature };
  });
}

export interface Reply {
  readonly status: number;
  readonly text: string;
  // Tests read answer fields freely; the contracts type them in the service.
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** The workstation the rig logs in from unless a test says otherwise. */
const DEFAULT_WORKSTATION = 'ws-ward-7';

/** Every body the tests received, for the "no secret in any response" checks. */
export const seenBodies: string[] = [];

/**
 * One JSON call. A call with a session token, and the one opening a session, carry a DPoP proof
 * from `key` (the agent's workstation key stand-in) as the agent sends them.
 */
export async function call(service: RunningService, method: string, path: string, json?: unknown, token?: string, key: WorkstationKey = TEST_KEY): Promise<Reply> {
  const proved = token || path === '/v1/login/session';
  const res = await fetch(`${service.url}${path}`, {
    method,
    headers: {
      ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(proved ? await proofHeaders(service, method, path, token || undefined, key) : {}),
    },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
  const text = await res.text();
  seenBodies.push(text);
  return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
}

export interface Holder {
  readonly userId: number;
  readonly userUuid: string;
  readonly positionId: number;
  readonly orgId: number;
}

/** A trust, a user with an open profile, and one active position there. */
export async function holder(db: Db, name = { given: 'Amara', family: 'Okafor' }, orgCode = `T${Math.floor(Math.random() * 1e9)}`): Promise<Holder> {
  const org = await addOrg(db, { code: orgCode, name: `Trust ${orgCode}` });
  const user = await addUser(db, { given: name.given, family: name.family, homeOrgId: org.id, email: `${name.given.toLowerCase()}@nhs.net` });
  const positionId = await addPosition(db, { orgId: org.id, title: 'Staff Nurse', jobRole: 'Nurse', roles: [] });
  await assign(db, user.id, positionId);
  return { userId: user.id, userUuid: user.uuid, positionId, orgId: org.id };
}

/** The full card login up to the login ticket: challenge, card answer, verify. */
export async function cardLogin(service: RunningService, state: VirtualCardState, options: { workstationId?: string } = {}): Promise<Reply> {
  return call(service, 'POST', '/v1/login/verify', await answeredChallenge(service, state, options));
}

export interface ServiceRig {
  readonly service: RunningService;
  readonly db: Db;
  /** Sets the service clock; undefined goes back to real time. */
  setNow(at: Date | undefined): void;
  now(): Date;
  close(): Promise<void>;
}

/** A real service on a fresh store (a SQLite file in a temp folder, or a PostgreSQL schema), with a settable clock. */
export async function startServiceRig(options: { now?: Date; caPassphrase?: string } = {}): Promise<ServiceRig> {
  const storage = testStorage('cis-login-');
  let fixed = options.now;
  const now = (): Date => (fixed ? new Date(fixed) : new Date());
  const service = await startService({ ...storage, now, ...(options.caPassphrase ? { caPassphrase: options.caPassphrase } : {}) });
  return {
    service,
    db: service.ctx.db,
    setNow: (at) => {
      fixed = at;
    },
    now,
    close: async () => {
      await service.close();
      rmSync(dirname(storage.secretFile), { recursive: true, force: true });
    },
  };
}

export interface VerifyBody {
  nonce: string;
  workstationId: string;
  algorithm: string;
  certificate: string;
  signature: string;
}

/**
 * Gets a challenge for `workstationId` and has the card answer it; `tamper` changes what the
 * card is asked to sign (another origin, another workstation) to test the payload binding.
 */
export async function answeredChallenge(
  service: RunningService,
  state: VirtualCardState,
  options: { workstationId?: string; tamper?: { serviceOrigin?: string; workstationId?: string; nonce?: string } } = {},
): Promise<VerifyBody> {
  const workstationId = options.workstationId ?? DEFAULT_WORKSTATION;
  const challenge = await call(service, 'POST', '/v1/login/challenge', { workstationId });
  if (challenge.status !== 200) throw new Error(`challenge failed: ${challenge.text}`);
  const payload = loginSignedPayload({
    nonce: options.tamper?.nonce ?? challenge.body.nonce,
    serviceOrigin: options.tamper?.serviceOrigin ?? challenge.body.serviceOrigin,
    workstationId: options.tamper?.workstationId ?? workstationId,
  });
  const answer = await cardAnswer(state, payload);
  return {
    nonce: challenge.body.nonce,
    workstationId,
    algorithm: state.keys['9a']?.algorithm ?? 'rsa2048',
    certificate: answer.certificate.toString('base64'),
    signature: answer.signature.toString('base64'),
  };
}
