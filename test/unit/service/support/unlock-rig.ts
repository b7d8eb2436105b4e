import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { makeCard, type MadeCard } from '../../../../src-service/ca/card-factory.js';
import { openSession } from '../../../../src-service/auth/session-store.js';
import { openCardSecret } from '../../../../src-service/crypto/card-secrets.js';
import { readOutbox } from '../../../../src-service/notify/outbox.js';
import { startService, type RunningService, type StartServiceOptions } from '../../../../src-service/start-service.js';
import type { Db } from '../../../../src-service/store/database.js';
import { addOrg, addPosition, addUser, assign, auditRows, proofHeaders, TEST_KEY, testStorage } from '../../../support/service-fixtures.js';
import { aesBlock, withCardProof } from '../../../support/card-proof.js';

// What the unlock tests share: a real service on a fresh store (a SQLite file, or a PostgreSQL
// schema in the PostgreSQL run) with a clock that can be
// moved forward, people with made cards (the card factory: real certificates, PUKs and
// management keys), sponsor sessions opened on those cards, and the card's side of the
// management-key proof computed with the card's own key. Every non-2xx body is kept, for the
// "no secret in an error" checks. (Not a test file: vitest only collects *.test.ts.)

export const WS = 'ws-unlock-1';
export const OTHER_WS = 'ws-unlock-2';

export interface Reply {
  readonly status: number;
  readonly text: string;
  // Tests read answer fields freely; the contracts type them in the service.
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export interface Person {
  readonly userId: number;
  readonly uuid: string;
  readonly positionId: number;
}

export interface Sponsor extends Person {
  readonly card: MadeCard;
  readonly token: string;
  readonly sessionId: number;
}

export interface UnlockRig {
  readonly service: RunningService;
  readonly db: Db;
  /** Bodies of every refused request, for the secret scans. */
  readonly errorBodies: string[];
  /** Bodies of every request, in order. */
  readonly bodies: string[];
  now(): Date;
  /** Moves the service clock forward by `ms` (it keeps running from there). */
  advance(ms: number): void;
  /** With `auth`: the session token and a proof from the test workstation key. */
  call(method: string, path: string, json?: unknown, auth?: { token: string }): Promise<Reply>;
  /**
   * `body` (for POST /v1/unlock/self or /v1/renewals/recover) with the card's own proof, as the
   * agent adds it: the card named by body.cardUuid answers POST /v1/card-proof/witness with its
   * management key. A card the service does not know answers with a key of its own.
   */
  proved<T extends { workstationId: string; cardUuid: string }>(body: T): Promise<T & { cardProof: { exchangeId: string; cardResponse: string } }>;
  /** An organisation, under `parentId` when given. */
  org(parentId?: number): Promise<{ id: number; path: string }>;
  person(p: { orgId: number; email?: string | null; mobile?: string | null; roles?: RoleCode[]; given?: string }): Promise<Person>;
  card(userUuid: string, options?: { notAfter?: Date; validDays?: number }): Promise<MadeCard>;
  /** A person with a card, signed in with it at `workstationId` as their position. */
  sponsor(orgId: number, roles: RoleCode[], workstationId?: string): Promise<Sponsor>;
  close(): Promise<void>;
}

/** A file's rig, and the one organisation its people are in. */
export interface RigOfFile<Rig> {
  readonly rig: Rig;
  readonly orgId: number;
}

/** Starts a rig with one organisation before the file's tests (`ready` gets both), and closes it after them. */
export function unlockRigPerFile(ready: (file: RigOfFile<UnlockRig>) => void): void {
  let rig: UnlockRig | undefined;
  beforeAll(async () => {
    rig = await startUnlockRig();
    ready({ rig, orgId: (await rig.org()).id });
  });
  afterAll(async () => rig?.close());
}

let orgCounter = 0;

export async function startUnlockRig(options: Omit<StartServiceOptions, 'dbFile' | 'secretFile' | 'now'> = {}): Promise<UnlockRig> {
  const storage = testStorage('cis-unlock-');
  let offset = 0;
  const now = (): Date => new Date(Date.now() + offset);
  // The outbox is where these tests read the codes sent; a test of its absence says outbox: false.
  const service = await startService({ host: '127.0.0.1', port: 0, outbox: true, ...options, ...storage, now });
  const db = service.ctx.db;
  const errorBodies: string[] = [];
  const bodies: string[] = [];

  const rig: UnlockRig = {
    service,
    db,
    errorBodies,
    bodies,
    now,
    advance: (ms) => {
      offset += ms;
    },
    call: async (method, path, json, auth) => {
      const res = await fetch(`${service.url}${path}`, {
        method,
        headers: {
          ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(auth ? await proofHeaders(service, method, path, auth.token) : {}),
        },
        ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
      });
      const text = await res.text();
      bodies.push(text);
      if (res.status >= 300) errorBodies.push(text);
      return { status: res.status, text, body: text ? JSON.parse(text) : undefined };
    },
    proved: (body) => withCardProof(service, body),
    org: (parentId) => {
      const code = `U${++orgCounter}${Math.floor(Math.random() * 1e6)}`;
      return addOrg(db, { code, name: `Unlock Trust ${code}`, parentId: parentId ?? null });
    },
    person: async (p) => {
      const user = await addUser(db, {
        given: p.given ?? 'Sam',
        family: `Holder${Math.floor(Math.random() * 1e6)}`,
        homeOrgId: p.orgId,
        email: p.email === undefined ? 'sam.holder@nhs.net' : p.email,
        mobile: p.mobile === undefined ? null : p.mobile,
      });
      const positionId = await addPosition(db, { orgId: p.orgId, title: p.roles?.length ? `${p.roles.join('+')} position` : 'Staff Nurse', roles: p.roles ?? [] });
      await assign(db, user.id, positionId);
      return { userId: user.id, uuid: user.uuid, positionId };
    },
    card: async (userUuid, o = {}) => await makeCard(service.ctx, { userUuid, algorithm: 'p256', ...o }),
    sponsor: async (orgId, roles, workstationId = WS) => {
      const p = await rig.person({ orgId, roles, given: 'Sponsor', email: 'sponsor@nhs.net' });
      const card = await rig.card(p.uuid);
      const session = await openSession(db, { userId: p.userId, cardId: card.cardId, positionId: p.positionId, workstationId, keyThumbprint: TEST_KEY.thumbprint, ttlMs: 3_600_000, now: now().getTime() });
      return { ...p, card, token: session.token, sessionId: session.sessionId };
    },
    close: async () => {
      await service.close();
      rmSync(dirname(storage.secretFile), { recursive: true, force: true });
    },
  };
  return rig;
}

export const certificateOf = (card: MadeCard): string => card.certificate.der.toString('base64');

/** What the agent of a locked card's holder sends to ask for a security code (POST /v1/unlock/self). */
export const selfUnlockRequest = (card: MadeCard, workstationId = WS) => ({ workstationId, cardUuid: card.cardUuid, certificate: certificateOf(card) });

/** The card's side of GENERAL AUTHENTICATE with its management key (AES-128, one block, ECB). */
export const cardEncrypt = (card: MadeCard, block: Buffer): Buffer => aesBlock(Buffer.from(card.state.managementKey.key, 'hex'), block);

/** Card witness then release, as the agent relays them: the release reply. */
export async function witnessAndRelease(rig: UnlockRig, unlockId: string, card: MadeCard, workstationId = WS): Promise<{ witness: Reply; release: Reply }> {
  const plain = randomBytes(16);
  const witness = await rig.call('POST', `/v1/unlock/${unlockId}/card-witness`, { workstationId, witness: cardEncrypt(card, plain).toString('base64') });
  if (witness.status !== 200) return { witness, release: witness };
  if (!Buffer.from(witness.body.witness, 'base64').equals(plain)) throw new Error('the service did not decrypt the witness');
  const cardResponse = cardEncrypt(card, Buffer.from(witness.body.challenge, 'base64')).toString('base64');
  const release = await rig.call('POST', `/v1/unlock/${unlockId}/release`, { workstationId, exchangeId: witness.body.exchangeId, cardResponse });
  return { witness, release };
}

/** The six-digit code in the newest outbox message. */
export async function codeFromOutbox(db: Db): Promise<string> {
  const newest = (await readOutbox(db, 1))[0];
  const match = newest ? /\b(\d{6})\b/.exec(newest.text) : null;
  if (!match) throw new Error('no security code in the outbox');
  return match[1] as string;
}

/** The card's PUKs as the service holds them (current, pending), opened. */
export async function sealedPuks(rig: UnlockRig, card: MadeCard): Promise<{ puk: string | null; pending: string | null }> {
  const row = await rig.db.selectFrom('cards').select(['puk_sealed', 'puk_pending_sealed']).where('id', '=', card.cardId).executeTakeFirstOrThrow();
  const key = rig.service.ctx.dataKey;
  return {
    puk: row.puk_sealed ? openCardSecret(key, card.cardUuid, 'puk', row.puk_sealed).toString('ascii') : null,
    pending: row.puk_pending_sealed ? openCardSecret(key, card.cardUuid, 'puk-pending', row.puk_pending_sealed).toString('ascii') : null,
  };
}

export { auditRows };

export const lastAudit = async (db: Db): Promise<Awaited<ReturnType<typeof auditRows>>[number] | undefined> => (await auditRows(db)).at(-1);
