import type { EsrImportResponse, EsrRecord } from '../../src-shared/api/cim-requests.js';
import type { RoleCode } from '../../src-shared/domain/roles.js';
import { appendAudit } from '../audit/audit-log.js';
import { authorize, inScope } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { forbidden } from '../service-error.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { utcDate } from './dates.js';
import { readEsrFile, refusedFile, type EsrFormat } from './requests-esr-format.js';
import { userInScope, userOrgPaths } from './user-scope.js';

// Importing an ESR file: every record checked (readEsrFile, then against the directory: the
// organisation exists, the user to modify exists, and through the API both lie in the
// importer's scope), then all stored as pending requests, or none. A record whose ESR id was
// imported before is ignored and counted: ESR sends its files again.

/** Who imports: a signed-in RA member (scope applies), or the operator's command line. */
export type EsrImporter = { readonly session: SessionContext } | { readonly commandLine: string };

const RA_ROLES: readonly RoleCode[] = ['RAM', 'RAA(A)', 'RAA'];
const OUTSIDE = 'is outside your organisation and its child organisations';

async function userToModify(trx: Db, record: Extract<EsrRecord, { kind: 'modify' }>): Promise<number | undefined> {
  let query = trx.selectFrom('users').select('id');
  query = record.userUuid !== undefined ? query.where('uuid', '=', record.userUuid.toLowerCase()) : query.where('ni_number', '=', record.userNiNumber ?? '');
  return (await query.executeTakeFirst())?.id;
}

interface Resolved {
  record: EsrRecord;
  orgId: number | null;
  userId: number | null;
}

async function resolve(trx: Db, importer: EsrImporter, records: EsrRecord[], today: string): Promise<Resolved[]> {
  const session = 'session' in importer ? importer.session : undefined;
  const problems: { path: string; message: string }[] = [];
  const resolved: Resolved[] = [];
  for (const [index, record] of records.entries()) {
    if (record.kind === 'create') {
      const org = await trx.selectFrom('organisations').select(['id', 'path']).where('code', '=', record.odsCode.toUpperCase()).executeTakeFirst();
      if (!org) problems.push({ path: `records.${index}.odsCode`, message: `no organisation has the code ${record.odsCode}` });
      else if (session && !inScope(session, org.path)) problems.push({ path: `records.${index}.odsCode`, message: `the organisation ${record.odsCode} ${OUTSIDE}` });
      resolved.push({ record, orgId: org?.id ?? null, userId: null });
    } else {
      const userId = await userToModify(trx, record);
      const field = record.userUuid !== undefined ? 'userUuid' : 'userNiNumber';
      if (userId === undefined) problems.push({ path: `records.${index}.${field}`, message: 'no user has it' });
      else if (session && !userInScope(session, await userOrgPaths(trx, userId, today))) problems.push({ path: `records.${index}.${field}`, message: `the user ${OUTSIDE}` });
      resolved.push({ record, orgId: null, userId: userId ?? null });
    }
  }
  if (problems.length > 0) throw refusedFile(problems);
  return resolved;
}

/** Stores the file's records as pending ESR requests, all or none. */
export async function importEsrFile(db: Db, now: Date, importer: EsrImporter, format: EsrFormat, content: string): Promise<EsrImportResponse> {
  if ('session' in importer) {
    authorize(importer.session, 'manage-requests');
    // The feed comes from the registration authority's own systems: sponsors decide its
    // requests (the matrix) but do not load files into the queue.
    if (!importer.session.roles.some((role) => RA_ROLES.includes(role))) {
      throw forbidden('Only RA staff can import ESR files.');
    }
  }
  const records = readEsrFile(format, content);
  return inTransaction(db, async (trx) => {
    const resolved = await resolve(trx, importer, records, utcDate(now));
    const known = new Set(
      (await trx.selectFrom('esr_requests').select('esr_id').where('esr_id', 'in', records.map((r) => r.esrId)).execute()).map((row) => row.esr_id),
    );
    const imported: string[] = [];
    for (const { record, orgId, userId } of resolved) {
      if (known.has(record.esrId)) continue;
      await trx
        .insertInto('esr_requests')
        .values({
          esr_id: record.esrId,
          kind: record.kind,
          org_id: orgId,
          user_id: userId,
          ni_number: record.kind === 'create' ? record.niNumber : null,
          record: JSON.stringify(record),
          imported_at: now.toISOString(),
          imported_by: 'session' in importer ? importer.session.userId : null,
        })
        .execute();
      imported.push(record.esrId);
    }
    const duplicateEsrIds = records.map((r) => r.esrId).filter((id) => known.has(id));
    await appendAudit(
      trx,
      {
        action: 'esr-requests.imported',
        actor: 'session' in importer ? importer.session.userUuid : 'system',
        workstationId: 'session' in importer ? importer.session.workstationId : null,
        details: { format, imported, duplicates: duplicateEsrIds, ...('commandLine' in importer ? { source: importer.commandLine } : {}) },
      },
      now,
    );
    return { imported: imported.length, duplicates: duplicateEsrIds.length, duplicateEsrIds };
  });
}
