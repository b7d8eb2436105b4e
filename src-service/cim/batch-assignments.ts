import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { BatchReport, BatchResult, BatchResultFile, BatchUploadBody } from '../../src-shared/api/cim-batch.js';
import { appendAudit, appendAuditEntries } from '../audit/audit-log.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { conflict, notFound } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { checkBatchRows, type PlannedChange, type RowProblem } from './batch-check.js';
import { readBatchFile, writeBatchResult, type BatchFile } from './batch-csv.js';
import { chunked } from './batch-lookups.js';
import { ukDate } from './batch-dates.js';
import { utcDate } from './dates.js';

// Batch position management (RAM, RAA(A)). Checking a file changes nothing in the directory: it
// keeps the file and its report for its author. Applying reads the file again and checks it
// again inside one transaction, so what is applied is what holds at that moment, and applies
// the rows the report called good, all or none. A row that was good when checked but no longer
// is (someone closed the position meanwhile) is left out and said so in the result.
//
// Audit: one entry per change ('position-assignment.added', '.changed', '.removed', with the
// batch id and row, subject the user), so each person's history shows it like any other
// change, and one 'assignment-batch.applied' entry with the counts.

type Report = z.infer<typeof BatchReport>;

/**
 * How long a checked file waits to be applied. Older, the directory has moved on from the report
 * the person read: they check it again. Unapplied files past it are deleted at their author's
 * next upload, so checking files again and again does not pile them up.
 */
const BATCH_VALID_MS = 24 * 3_600_000;

const PAST_TENSE: Record<PlannedChange['kind'], string> = { add: 'added', change: 'changed', remove: 'removed' };

function counts(changes: readonly PlannedChange[]): { adds: number; changes: number; removals: number } {
  const of = (kind: PlannedChange['kind']): number => changes.filter((c) => c.kind === kind).length;
  return { adds: of('add'), changes: of('change'), removals: of('remove') };
}

/** POST /v1/assignment-batches: checks every row, stores the file and its report, changes nothing else. */
export async function checkAssignmentBatch(ctx: ServiceContext, session: SessionContext, body: z.output<typeof BatchUploadBody>): Promise<Report> {
  authorize(session, 'batch-manage-assignments');
  const file = readBatchFile(body.csv);
  const now = ctx.now();
  const check = await checkBatchRows(ctx.db, session, file.rows, file.header.length, utcDate(now));
  const report: Report = {
    batchId: randomUUID(),
    checkedAt: now.toISOString(),
    rows: file.rows.length,
    valid: check.changes.length,
    ...counts(check.changes),
    errors: [...check.errors],
  };
  await ctx.db
    .deleteFrom('assignment_batches')
    .where('created_by', '=', session.userId)
    .where('status', '=', 'checked')
    .where('created_at', '<', new Date(now.getTime() - BATCH_VALID_MS).toISOString())
    .execute();
  await ctx.db
    .insertInto('assignment_batches')
    .values({
      id: report.batchId,
      created_by: session.userId,
      created_at: report.checkedAt,
      file_name: body.fileName ?? 'batch.csv',
      csv: body.csv,
      report: JSON.stringify(report),
    })
    .execute();
  return report;
}

/** The batch, if it is the session holder's own: nobody applies or reads another person's file. */
async function ownBatch(db: Db, session: SessionContext, batchId: string) {
  const batch = await db.selectFrom('assignment_batches').selectAll().where('id', '=', batchId).where('created_by', '=', session.userId).executeTakeFirst();
  if (!batch) throw notFound('That batch');
  return batch;
}

const problemsByRow = (problems: readonly RowProblem[]): Map<number, string[]> => {
  const byRow = new Map<number, string[]>();
  for (const { row, message } of problems) byRow.set(row, [...(byRow.get(row) ?? []), message]);
  return byRow;
};

function describe(change: PlannedChange): string {
  if (change.kind === 'remove') return `${change.userName}'s assignment removed`;
  const until = change.endDate === null ? 'with no end date' : `to ${ukDate(change.endDate)}`;
  return `${change.userName} ${change.kind === 'add' ? 'assigned' : 'now assigned'} from ${ukDate(change.startDate)} ${until}`;
}

/** Makes the changes in bulk (adds and removals a few statements each; changes one each) and audits each. */
async function applyChanges(trx: Db, session: SessionContext, changes: readonly PlannedChange[], batchId: string, now: Date): Promise<void> {
  const adds = changes.filter((c) => c.kind === 'add');
  for (const chunk of chunked(adds)) {
    await trx
      .insertInto('position_assignments')
      .values(chunk.map((c) => ({ user_id: c.userId, position_id: c.positionId, start_date: c.startDate, end_date: c.endDate })))
      .execute();
  }
  for (const c of changes) {
    if (c.kind === 'change') await trx.updateTable('position_assignments').set({ start_date: c.startDate, end_date: c.endDate }).where('id', '=', c.assignmentId).execute();
  }
  const removed = changes.flatMap((c) => (c.kind === 'remove' ? c.assignmentIds : []));
  for (const chunk of chunked(removed)) await trx.updateTable('position_assignments').set({ removed_at: now.toISOString() }).where('id', 'in', chunk).execute();

  const details = (c: PlannedChange): Record<string, unknown> =>
    c.kind === 'add'
      ? { startDate: c.startDate, endDate: c.endDate }
      : c.kind === 'change'
        ? { assignmentId: c.assignmentId, startDate: c.startDate, endDate: c.endDate }
        : { assignmentIds: c.assignmentIds };
  await appendAuditEntries(
    trx,
    changes.map((c) => ({
      action: `position-assignment.${PAST_TENSE[c.kind]}`,
      actor: session.userUuid,
      subject: c.userUuid,
      workstationId: session.workstationId,
      details: { batchId, row: c.row, positionId: c.positionId, ...details(c) },
    })),
    now,
  );
}

/** POST /v1/assignment-batches/:batchId/apply: the good rows, in one transaction, once. */
export async function applyAssignmentBatch(ctx: ServiceContext, session: SessionContext, batchId: string): Promise<z.infer<typeof BatchResult>> {
  authorize(session, 'batch-manage-assignments');
  const now = ctx.now();
  return inTransaction(ctx.db, async (trx) => {
    const batch = await ownBatch(trx, session, batchId);
    if (batch.status === 'applied') throw conflict('This batch has already been applied: download its result, or upload the file again to check it afresh.');
    if (Date.parse(batch.created_at) < now.getTime() - BATCH_VALID_MS) throw conflict('This file was checked more than 24 hours ago. Upload it again to check it afresh.');
    const file: BatchFile = readBatchFile(batch.csv);
    const refused = problemsByRow((JSON.parse(batch.report) as Report).errors);
    const check = await checkBatchRows(trx, session, file.rows, file.header.length, utcDate(now));
    const nowRefused = problemsByRow(check.errors);

    const outcomes = new Map<number, { outcome: string; detail: string }>();
    for (const [row, messages] of refused) outcomes.set(row, { outcome: 'skipped', detail: messages.join('; ') });
    for (const [row, messages] of nowRefused) if (!refused.has(row)) outcomes.set(row, { outcome: 'not applied', detail: messages.join('; ') });
    const toApply = check.changes.filter((c) => !refused.has(c.row));
    await applyChanges(trx, session, toApply, batchId, now);
    for (const change of toApply) outcomes.set(change.row, { outcome: PAST_TENSE[change.kind], detail: describe(change) });

    const result = {
      batchId,
      appliedAt: now.toISOString(),
      applied: toApply.length,
      skipped: refused.size,
      notApplied: [...nowRefused.keys()].filter((row) => !refused.has(row)).length,
    };
    await appendAudit(
      trx,
      { action: 'assignment-batch.applied', actor: session.userUuid, workstationId: session.workstationId, details: { ...result, ...counts(toApply), rows: file.rows.length } },
      now,
    );
    await trx
      .updateTable('assignment_batches')
      .set({ status: 'applied', applied_at: result.appliedAt, result_csv: writeBatchResult(file, outcomes) })
      .where('id', '=', batchId)
      .execute();
    return result;
  });
}

/** GET /v1/assignment-batches/:batchId/result: the file with an outcome for each row. */
export async function assignmentBatchResult(ctx: ServiceContext, session: SessionContext, batchId: string): Promise<z.infer<typeof BatchResultFile>> {
  authorize(session, 'batch-manage-assignments');
  const batch = await ownBatch(ctx.db, session, batchId);
  if (batch.status !== 'applied' || batch.result_csv === null) throw conflict('This batch has not been applied yet: there is no result to download.');
  const base = batch.file_name.replace(/\.csv$/i, '') || 'batch';
  return { fileName: `${base}-result.csv`, csv: batch.result_csv };
}
