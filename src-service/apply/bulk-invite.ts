import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { BulkCheckBody, BulkCheckResponse, BulkSendResponse } from '../../src-shared/api/apply.js';
import { appendAudit } from '../audit/audit-log.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { conflict, notFound } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { readBulkFile } from './bulk-file.js';
import { checkApplication, insertApplication, requireQueryEmail, sponsorOrgOf, type ApplicationInput, type SponsorOrg } from './create.js';
import { sendInvites, type Invite } from './invite-messages.js';

// Bulk invitations: every row of the file is checked exactly as a single application is
// (checkApplication), plus the same person twice in the file, before anything is sent; the
// check is kept (application_batches) and its send creates one application per valid row, once.

type CheckResponse = z.infer<typeof BulkCheckResponse>;

interface CheckedRow {
  readonly line: number;
  readonly applicantName: string;
  readonly problems: string[];
  readonly input: ApplicationInput | null;
}

/** Every row with every problem it has now; `input` only for a row with none. */
async function checkRows(db: Db, org: SponsorOrg, csv: string): Promise<CheckedRow[]> {
  const seen = new Map<string, number>();
  const checked: CheckedRow[] = [];
  for (const row of readBulkFile(csv)) {
    const problems = [...row.problems];
    if (row.input) {
      problems.push(...(await checkApplication(db, org, row.input)).map((p) => p.message));
      const person = `${row.input.applicant.niNumber}|${row.input.applicant.dateOfBirth}`;
      const earlier = seen.get(person);
      if (earlier !== undefined) problems.push(`The same person (National Insurance number and date of birth) is on line ${earlier} too.`);
      else seen.set(person, row.line);
    }
    checked.push({ line: row.line, applicantName: row.applicantName, problems, input: problems.length === 0 ? row.input : null });
  }
  return checked;
}

/** POST /v1/apply/bulk: checks every row and keeps the check; nothing is sent yet. */
export async function applyBulkCheck(ctx: ServiceContext, session: SessionContext, body: z.infer<typeof BulkCheckBody>): Promise<CheckResponse> {
  authorize(session, 'apply-for-care-id');
  const now = ctx.now();
  // Reading only, so outside the writer's transaction: a long file does not hold up other writes.
  const org = await sponsorOrgOf(ctx.db, session);
  const rows = (await checkRows(ctx.db, org, body.csv)).map(({ line, applicantName, problems }) => ({ line, applicantName, problems }));
  const batchId = randomUUID();
  const invalid = rows.filter((row) => row.problems.length > 0).length;
  await inTransaction(ctx.db, async (trx) => {
    await trx
      .insertInto('application_batches')
      .values({ id: batchId, created_by: session.userId, session_org_id: org.id, created_at: now.getTime(), file_name: body.fileName, csv: body.csv, report: JSON.stringify(rows) })
      .execute();
    await appendAudit(
      trx,
      { action: 'application.bulk-checked', actor: session.userUuid, subject: null, workstationId: session.workstationId, details: { batchId, valid: rows.length - invalid, invalid } },
      now,
    );
  });
  return { batchId, valid: rows.length - invalid, invalid, rows };
}

/**
 * POST /v1/apply/bulk/:batchId/send. Only the sponsor who checked the file, under the same
 * organisation, once. The valid rows are checked again (another application may have started
 * since): if one no longer passes, nothing is created and the sponsor checks the file again.
 */
export async function applyBulkSend(ctx: ServiceContext, session: SessionContext, batchId: string): Promise<z.infer<typeof BulkSendResponse>> {
  authorize(session, 'apply-for-care-id');
  const queryEmail = await requireQueryEmail(ctx.db, session);
  const now = ctx.now();
  const { created, duplicates, invites } = await inTransaction(ctx.db, async (trx) => {
    const batch = await trx.selectFrom('application_batches').select(['csv', 'report', 'session_org_id', 'sent_at']).where('id', '=', batchId).where('created_by', '=', session.userId).executeTakeFirst();
    if (!batch) throw notFound('That bulk invitation file');
    if (batch.sent_at !== null) throw conflict('These invitations have already been sent.');
    if (batch.session_org_id !== session.orgId) throw conflict('This file was checked while you worked under another organisation. Upload it again to check it here.');
    const org = await sponsorOrgOf(trx, session);
    const wasValid = new Set((JSON.parse(batch.report) as { line: number; problems: string[] }[]).filter((row) => row.problems.length === 0).map((row) => row.line));
    const rows = (await checkRows(trx, org, batch.csv)).filter((row) => wasValid.has(row.line));
    if (rows.some((row) => row.input === null)) {
      throw conflict('Some rows that passed the check no longer do (an application for the same person may have started since). Upload the file again to check it.');
    }
    const made = { created: [] as string[], duplicates: [] as string[], invites: [] as Invite[] };
    for (const row of rows) {
      const inserted = await insertApplication(trx, session, org, queryEmail, row.input as ApplicationInput, now, batchId);
      (inserted.created.status === 'duplicate' ? made.duplicates : made.created).push(inserted.created.reference);
      if (inserted.invite) made.invites.push(inserted.invite);
    }
    await trx.updateTable('application_batches').set({ sent_at: now.getTime() }).where('id', '=', batchId).execute();
    return made;
  });
  await sendInvites(ctx, invites);
  return { created, duplicates };
}
