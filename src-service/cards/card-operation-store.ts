import { createHash, randomBytes } from 'node:crypto';
import type { Activity } from '../../src-shared/domain/roles.js';
import type { SessionContext } from '../auth/session-store.js';
import { utcDate } from '../cim/dates.js';
import { authorizeOnUser, userOrgPaths } from '../cim/user-scope.js';
import { ServiceError, conflict } from '../service-error.js';
import type { Db } from '../store/database.js';

// The card_operations rows: one per issue, repair or clear of a smartcard at an RA's workstation.
// The operation id is handed out once (32 random bytes) and only its SHA-256 is kept, like a
// renewal id: it is the capability that takes the operation through its steps, from the session
// that opened it, on the workstation that opened it. Every step finds its row through
// operationForStep, which checks all of that again, and the RA's right over the holder: a role
// or an organisation taken away between two steps stops the operation there.
//
//   issue:  opened -> issued (certificate made) -> personalised (PUK and key handed out)
//           -> authenticated (the card proved the service's key) -> done
//   repair, clear: opened -> authenticated -> done
//   any unfinished row may become void (abandoned, or a later issue found the card it left).
//
// A certificate made in an issue is not live until the issue is confirmed. When the issue never
// finishes, that certificate goes to orphan_certificates: revoked, so the revocation list names
// every certificate the CA signed that no card should use.

export type CardOperationKind = 'issue' | 'repair' | 'clear';
export type CardOperationStatus = 'opened' | 'authenticated' | 'issued' | 'personalised' | 'done' | 'void';

/** How long an operation stays open for its card steps. */
const OPERATION_OPEN_MINUTES = 15;
const MINUTE_MS = 60_000;
const cardOperationExpiry = (now: number): number => now + OPERATION_OPEN_MINUTES * MINUTE_MS;

const UNFINISHED_OPERATION: readonly CardOperationStatus[] = ['opened', 'authenticated', 'issued', 'personalised'];

/** The revocation reason of a certificate whose issue never finished (RFC 5280 cessationOfOperation). */
const ORPHAN_REASON = 'cessationOfOperation';

const newOperationId = (): string => randomBytes(32).toString('base64url');
const hashOperationId = (operationId: string): Buffer => createHash('sha256').update(operationId, 'utf8').digest();

export interface CardOperationRow {
  readonly id: number;
  readonly kind: CardOperationKind;
  readonly status: CardOperationStatus;
  readonly cardSerial: number | null;
  readonly cardUuid: string;
  readonly cardId: number | null;
  readonly algorithm: 'rsa2048' | 'p256' | null;
  readonly holderId: number;
  readonly holderUuid: string;
  readonly holderName: string;
  readonly holderStatus: string;
  readonly actorUserId: number;
  readonly actorSessionId: number;
  readonly workstationId: string;
  readonly pukSealed: Buffer | null;
  readonly managementKeySealed: Buffer | null;
  readonly attestationKey: Buffer | null;
  readonly issuedSerial: string | null;
  readonly issuedDer: Buffer | null;
  readonly issuedNotAfter: string | null;
  readonly witnessExchange: string | null;
  readonly cardProofs: number;
  readonly outcome: string | null;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly finishedAt: number | null;
}

const selectOperation = (db: Db) =>
  db
    .selectFrom('card_operations as o')
    .innerJoin('users as h', 'h.id', 'o.user_id')
    .select([
      'o.id',
      'o.kind',
      'o.status',
      'o.card_serial as cardSerial',
      'o.card_uuid as cardUuid',
      'o.card_id as cardId',
      'o.algorithm',
      'h.id as holderId',
      'h.uuid as holderUuid',
      'h.given_name as holderGiven',
      'h.family_name as holderFamily',
      'h.status as holderStatus',
      'o.actor_user_id as actorUserId',
      'o.actor_session_id as actorSessionId',
      'o.workstation_id as workstationId',
      'o.puk_sealed as pukSealed',
      'o.management_key_sealed as managementKeySealed',
      'o.attestation_key as attestationKey',
      'o.issued_serial as issuedSerial',
      'o.issued_der as issuedDer',
      'o.issued_not_after as issuedNotAfter',
      'o.witness_exchange as witnessExchange',
      'o.card_proofs as cardProofs',
      'o.outcome',
      'o.created_at as createdAt',
      'o.expires_at as expiresAt',
      'o.finished_at as finishedAt',
    ]);

type SelectedRow = NonNullable<Awaited<ReturnType<ReturnType<typeof selectOperation>['executeTakeFirst']>>>;

function toRow({ holderGiven, holderFamily, ...row }: SelectedRow): CardOperationRow {
  return {
    ...row,
    cardSerial: row.cardSerial === null ? null : Number(row.cardSerial),
    cardProofs: Number(row.cardProofs),
    createdAt: Number(row.createdAt),
    expiresAt: Number(row.expiresAt),
    finishedAt: row.finishedAt === null ? null : Number(row.finishedAt),
    holderName: `${holderGiven} ${holderFamily}`,
  };
}

const OPERATION_NOT_FOUND = 'That card operation was not found on this workstation. Start again.';

/**
 * The operation `operationId` names, opened on `workstationId` by the session `sessionId`. An
 * unknown id, one opened on another workstation and one opened by another session get the same
 * 404: the id alone tells a stranger nothing.
 */
export async function findCardOperation(db: Db, operationId: string, workstationId: string, sessionId: number): Promise<CardOperationRow> {
  const row = await selectOperation(db).where('o.operation_hash', '=', hashOperationId(operationId)).executeTakeFirst();
  if (!row || row.workstationId !== workstationId || row.actorSessionId !== sessionId) {
    throw new ServiceError(404, 'not-found', OPERATION_NOT_FOUND);
  }
  return toRow(row);
}

export const ACTIVITY_OF: Record<CardOperationKind, Activity> = {
  issue: 'issue-smartcard',
  repair: 'repair-smartcard',
  clear: 'clear-smartcard',
};

/** Throws 403 unless the session may do `activity` to the user `holderId` (their organisations within its subtree). */
export async function requireRightOverHolder(db: Db, session: SessionContext, activity: Activity, holderId: number, now: Date): Promise<void> {
  authorizeOnUser(session, activity, await userOrgPaths(db, holderId, utcDate(now)));
}

const KIND_WORDS: Record<CardOperationKind, string> = { issue: 'issue', repair: 'repair', clear: 'clearing' };

export interface StepRequirement {
  readonly kind: CardOperationKind | readonly CardOperationKind[];
  /** The statuses the step may be taken from (for every kind, or by kind). */
  readonly from: readonly CardOperationStatus[] | { readonly [K in CardOperationKind]?: readonly CardOperationStatus[] };
  /** The step's own words for "this step is not the next one", e.g. "The card has not proved itself yet". */
  readonly notNow?: string;
}

/**
 * The row for a step of an operation, after every check a step makes: the operation exists for
 * this session and workstation, is of the step's kind, the session still may do it to the
 * holder, it is still open (not finished, not expired), and it is at a status the step follows.
 */
export async function operationForStep(
  db: Db,
  session: SessionContext,
  input: { readonly operationId: string; readonly workstationId: string; readonly now: Date },
  need: StepRequirement,
): Promise<CardOperationRow> {
  const row = await findCardOperation(db, input.operationId, input.workstationId, session.sessionId);
  const kinds: readonly CardOperationKind[] = typeof need.kind === 'string' ? [need.kind] : need.kind;
  if (!kinds.includes(row.kind)) throw new ServiceError(404, 'not-found', OPERATION_NOT_FOUND);
  await requireRightOverHolder(db, session, ACTIVITY_OF[row.kind], row.holderId, input.now);
  requireOpen(row, input.now.getTime());
  const from = Array.isArray(need.from) ? need.from : ((need.from as Record<string, readonly CardOperationStatus[] | undefined>)[row.kind] ?? []);
  if (!from.includes(row.status)) {
    throw conflict(need.notNow ?? `This smartcard ${KIND_WORDS[row.kind]} is not at that step. Start again.`);
  }
  return row;
}

/** Refuses a finished, voided or expired operation, in words. */
function requireOpen(row: CardOperationRow, now: number): void {
  if (row.status === 'void') throw conflict(`This smartcard ${KIND_WORDS[row.kind]} was stopped. Start again.`);
  if (row.status === 'done') throw conflict(`This smartcard ${KIND_WORDS[row.kind]} has already finished.`);
  if (row.expiresAt <= now) throw conflict(`This smartcard ${KIND_WORDS[row.kind]} took too long and has expired. Start again.`);
}

export interface NewCardOperation {
  readonly kind: CardOperationKind;
  readonly session: SessionContext;
  readonly workstationId: string;
  readonly holderId: number;
  readonly cardSerial: number | null;
  readonly cardUuid: string;
  /** Repair, clear: the registered card's row. */
  readonly cardId?: number | null;
  readonly algorithm: 'rsa2048' | 'p256' | null;
  readonly attestationKey?: Buffer | null;
  /** An outcome known at opening (a clear of a card already blank). */
  readonly outcome?: string;
  readonly now: number;
}

/** Inserts an operation (status 'opened'); answers its id, to hand out once, and when it expires. */
export async function openCardOperation(db: Db, o: NewCardOperation): Promise<{ operationId: string; id: number; expiresAt: number }> {
  const operationId = newOperationId();
  const expiresAt = cardOperationExpiry(o.now);
  const { id } = await db
    .insertInto('card_operations')
    .values({
      operation_hash: hashOperationId(operationId),
      kind: o.kind,
      status: 'opened',
      card_serial: o.cardSerial,
      card_uuid: o.cardUuid,
      card_id: o.cardId ?? null,
      user_id: o.holderId,
      algorithm: o.algorithm,
      actor_user_id: o.session.userId,
      actor_session_id: o.session.sessionId,
      workstation_id: o.workstationId,
      attestation_key: o.attestationKey ?? null,
      outcome: o.outcome ?? null,
      created_at: o.now,
      expires_at: expiresAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { operationId, id, expiresAt };
}

/**
 * The operation of a finishing step that has already finished (the answer was lost on the way
 * back and the step is sent again), after the same right over its holder is checked again; else
 * null, and the step goes on as the first time.
 */
export async function finishedBefore(
  db: Db,
  session: SessionContext,
  kind: CardOperationKind,
  step: { readonly operationId: string; readonly workstationId: string },
  now: Date,
): Promise<CardOperationRow | null> {
  const recorded = await findCardOperation(db, step.operationId, step.workstationId, session.sessionId);
  if (recorded.kind !== kind || recorded.status !== 'done') return null;
  await requireRightOverHolder(db, session, ACTIVITY_OF[kind], recorded.holderId, now);
  return recorded;
}

/** The operation finished: status 'done', with what it did in a word. */
export async function finishOperation(db: Db, id: number, outcome: string, now: number): Promise<void> {
  await db.updateTable('card_operations').set({ status: 'done', outcome, finished_at: now }).where('id', '=', id).execute();
}

/** The card proved the operation's key: counted, and the operation moves on to 'authenticated'. */
export async function recordCardProof(db: Db, id: number): Promise<void> {
  await db
    .updateTable('card_operations')
    .set((eb) => ({ status: 'authenticated', card_proofs: eb('card_proofs', '+', 1), witness_exchange: null }))
    .where('id', '=', id)
    .execute();
}

/** Revokes a certificate an unfinished issue got: it goes to orphan_certificates (once). */
export async function orphanCertificate(db: Db, operationRowId: number, issued: { serial: string; notAfter: string }, now: Date): Promise<void> {
  await db
    .insertInto('orphan_certificates')
    .values({ serial: issued.serial, operation_id: operationRowId, not_after: issued.notAfter, revoked_at: now.toISOString(), revocation_reason: ORPHAN_REASON })
    .onConflict((oc) => oc.column('serial').doNothing())
    .execute();
}

/**
 * Voids an unfinished operation (`outcome` says why); a certificate it got that never became
 * live is orphaned. Answers the orphaned serial, if any. A finished or already void row is left.
 */
export async function voidOperation(db: Db, row: CardOperationRow, outcome: string, now: Date): Promise<{ orphanedSerial: string | null }> {
  if (!UNFINISHED_OPERATION.includes(row.status)) return { orphanedSerial: null };
  await db.updateTable('card_operations').set({ status: 'void', outcome, finished_at: now.getTime() }).where('id', '=', row.id).execute();
  if (row.issuedSerial === null || row.issuedNotAfter === null) return { orphanedSerial: null };
  await orphanCertificate(db, row.id, { serial: row.issuedSerial, notAfter: row.issuedNotAfter }, now);
  return { orphanedSerial: row.issuedSerial };
}

/**
 * The issues a card has been through (same serial, or the card UUID its CHUID carries), oldest
 * first: the unfinished ones (expired or not), which a later issue of the card voids, and whether
 * the card's latest issue never finished (unfinished, abandoned or voided). Such a card was last
 * written by an issue of ours that never registered it, so it may be reset and issued again.
 */
export async function issuesLeftBy(
  db: Db,
  card: { readonly serial: number | null; readonly chuidUuid: string | null },
): Promise<{ unfinished: CardOperationRow[]; latestNeverFinished: boolean }> {
  if (card.serial === null && card.chuidUuid === null) return { unfinished: [], latestNeverFinished: false };
  const rows = (
    await selectOperation(db)
      .where('o.kind', '=', 'issue')
      .where((eb) => {
        const ors = [];
        if (card.serial !== null) ors.push(eb('o.card_serial', '=', card.serial));
        if (card.chuidUuid !== null) ors.push(eb('o.card_uuid', '=', card.chuidUuid));
        return eb.or(ors);
      })
      .orderBy('o.id')
      .execute()
  ).map(toRow);
  const latest = rows.at(-1);
  return { unfinished: rows.filter((r) => UNFINISHED_OPERATION.includes(r.status)), latestNeverFinished: latest !== undefined && latest.status !== 'done' };
}

/**
 * Voids every issue that expired unfinished, so the certificate it got (never live) is revoked
 * and listed in the revocation list even if its card never comes back. The card it left can
 * still be reset and issued again (issuesLeftBy: its latest issue never finished).
 */
export async function voidExpiredIssues(db: Db, now: Date): Promise<number> {
  const expired = (
    await selectOperation(db)
      .where('o.kind', '=', 'issue')
      .where('o.status', 'in', [...UNFINISHED_OPERATION])
      .where('o.expires_at', '<', now.getTime())
      .where('o.issued_serial', 'is not', null)
      .orderBy('o.id')
      .execute()
  ).map(toRow);
  for (const row of expired) await voidOperation(db, row, 'expired', now);
  return expired.length;
}

/** An issue's certificate, kept in the operation (not live until confirmed). */
export async function storeOperationCertificate(db: Db, id: number, issued: { serial: string; der: Buffer; notAfter: Date }): Promise<void> {
  await db
    .updateTable('card_operations')
    .set({ status: 'issued', issued_serial: issued.serial, issued_der: issued.der, issued_not_after: issued.notAfter.toISOString() })
    .where('id', '=', id)
    .execute();
}

/** An issue's new PUK and management key, sealed under the card UUID (crypto/card-secrets.ts). */
export async function storeOperationSecrets(db: Db, id: number, sealed: { pukSealed: Buffer; managementKeySealed: Buffer }): Promise<void> {
  await db
    .updateTable('card_operations')
    .set({ status: 'personalised', puk_sealed: sealed.pukSealed, management_key_sealed: sealed.managementKeySealed })
    .where('id', '=', id)
    .execute();
}
