import { Readable } from 'node:stream';
import { sql, type RawBuilder } from 'kysely';
import { stringify } from 'csv-stringify/sync';
import {
  REPORT_FILTERS,
  REPORT_RUN_KEYS,
  reportDefinition,
  REPORT_CATALOGUE,
  type ReportDefinition,
  type ReportFilters,
  type ReportId,
  type ReportPage,
  type ReportRow,
  type SortDirection,
} from '../../src-shared/api/cim-reports.js';
import { appendAudit } from '../audit/audit-log.js';
import { authorize, inScope } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { badRequest, outOfScope } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { utcDate } from './dates.js';
import { REPORT_SOURCES, type ReportScope, type ReportSource } from './reports-sources.js';
import { csvSafe } from './reports-csv.js';

// Running a report (activity 'view-reports': RAM, RAA(A), RAA, S, IDC) over the session's
// organisation subtree, or one organisation of it: one sorted page with the total, or the whole
// report as CSV. The export never holds the report: it reads EXPORT_CHUNK rows at a time, in the
// report's key order (a seek on an index, whatever the size of the directory), and the next
// chunk is read only when the last one has been taken by the HTTP answer (Readable.from pulls),
// so a slow download holds back the reading instead of filling memory.

/** The highest code point: every path that starts with p sorts in [p, p + TOP). */
const TOP = '\u{10FFFF}';
/** Rows read per query of an export: big enough that a query's cost is spread, small enough to hold. */
export const EXPORT_CHUNK = 2000;

interface Run<R extends ReportId> {
  readonly definition: ReportDefinition;
  readonly source: ReportSource<R>;
  readonly filters: ReportFilters<R>;
  readonly scope: ReportScope;
  readonly sort: { column: string; direction: SortDirection };
}

export function listReports(session: SessionContext): { reports: ReportDefinition[] } {
  authorize(session, 'view-reports');
  return { reports: [...REPORT_CATALOGUE] };
}

/** Checks the role, the filters (400 naming each one at fault), the sort and the organisation (403 outside the subtree). */
async function prepare<R extends ReportId>(ctx: ServiceContext, session: SessionContext, reportId: R, query: Readonly<Record<string, unknown>>): Promise<Run<R>> {
  authorize(session, 'view-reports');
  const definition = reportDefinition(reportId);
  const given = Object.fromEntries(Object.entries(query).filter(([name]) => !REPORT_RUN_KEYS.includes(name)));
  const parsed = REPORT_FILTERS[reportId].safeParse(given);
  if (!parsed.success) {
    const fields = parsed.error.issues.map((i) =>
      i.code === 'unrecognized_keys'
        ? { path: `query.${i.keys.join(', ').slice(0, 100)}`, message: 'This report has no such filter' }
        : { path: ['query', ...i.path.map(String)].join('.'), message: i.message },
    );
    throw badRequest('The report filters are not valid.', fields);
  }
  const filters = parsed.data as ReportFilters<R>;
  const column = typeof query.sort === 'string' ? query.sort : definition.defaultSort.column;
  if (!definition.columns.some((c) => c.key === column && c.sortable)) {
    throw badRequest('The report cannot be sorted that way.', [{ path: 'query.sort', message: 'Choose a column of this report that can be sorted' }]);
  }
  const direction = (query.direction as SortDirection | undefined) ?? (column === definition.defaultSort.column ? definition.defaultSort.direction : 'ascending');
  let lo = session.orgPath;
  if (filters.organisation !== undefined) {
    const org = await ctx.db.selectFrom('organisations').select('path').where('code', '=', filters.organisation).executeTakeFirst();
    if (!org) throw badRequest('The report filters are not valid.', [{ path: 'query.organisation', message: 'No organisation has that code' }]);
    if (!inScope(session, org.path)) throw outOfScope('That organisation is outside your organisation and its child organisations.');
    lo = org.path;
  }
  return { definition, source: REPORT_SOURCES[reportId], filters, scope: { lo, hi: lo + TOP, today: utcDate(ctx.now()) }, sort: { column, direction } };
}

const unionOf = (parts: RawBuilder<unknown>[]): RawBuilder<unknown> => (parts.length === 0 ? sql`SELECT 0 AS k1, 0 AS k2 WHERE 1 = 0` : sql.join(parts, sql` UNION ALL `));

/** The report's own columns, in its order, as the source presents them. */
function shown(run: Run<ReportId>, row: Record<string, unknown>): ReportRow {
  const presented = run.source.present ? run.source.present(row as ReportRow) : (row as ReportRow);
  return Object.fromEntries(run.definition.columns.map((c) => [c.key, (presented[c.key] ?? null)]));
}

export async function runReport(
  ctx: ServiceContext,
  session: SessionContext,
  reportId: ReportId,
  query: Readonly<Record<string, unknown>> & { page: number; pageSize: number },
): Promise<ReportPage> {
  const run = await prepare(ctx, session, reportId, query);
  const parts = run.source.parts(run.filters, run.scope, false);
  const union = unionOf(parts);
  const by = sql.ref(`r.${run.sort.column}`);
  const dir = sql.raw(run.sort.direction === 'ascending' ? 'ASC' : 'DESC');
  // Empty cells last either way; then the row key, so equal values keep one order from page to page.
  const { rows } = await sql<Record<string, unknown>>`SELECT * FROM (${union}) r
    ORDER BY (CASE WHEN ${by} IS NULL THEN 1 ELSE 0 END), ${by} ${dir}, r.k1 ${dir}, r.k2 ${dir}
    LIMIT ${query.pageSize} OFFSET ${(query.page - 1) * query.pageSize}`.execute(ctx.db);
  const counted = await sql<{ n: number }>`SELECT COUNT(*) AS n FROM (${union}) r`.execute(ctx.db);
  return {
    report: reportId,
    rows: rows.map((row) => shown(run, row)),
    total: Number(counted.rows[0]?.n ?? 0),
    page: query.page,
    pageSize: query.pageSize,
    sort: run.sort,
  };
}

/** Every row of each part, EXPORT_CHUNK at a time, in key order: each query seeks past the last key read. */
async function* chunksOf(db: Db, parts: RawBuilder<unknown>[]): AsyncGenerator<Record<string, unknown>[]> {
  for (const part of parts) {
    let after: { k1: number; k2: number } | undefined;
    for (;;) {
      const past = after ? sql`WHERE r.k1 >= ${after.k1} AND (r.k1 > ${after.k1} OR r.k2 > ${after.k2})` : sql``;
      const { rows } = await sql<Record<string, unknown>>`SELECT * FROM (${part}) r ${past} ORDER BY r.k1, r.k2 LIMIT ${EXPORT_CHUNK}`.execute(db);
      if (rows.length > 0) yield rows;
      if (rows.length < EXPORT_CHUNK) break;
      const last = rows[rows.length - 1] as { k1: unknown; k2: unknown };
      after = { k1: Number(last.k1), k2: Number(last.k2) };
    }
  }
}

export interface ReportExport {
  readonly fileName: string;
  /** The CSV, produced as it is read. */
  readonly body: Readable;
}

/**
 * The whole report as CSV: a header row of the column labels, then the rows in key order. The
 * export is audited (who took which report, with which filters) before the first row is read.
 */
export async function exportReport(ctx: ServiceContext, session: SessionContext, reportId: ReportId, query: Readonly<Record<string, unknown>>): Promise<ReportExport> {
  const run = await prepare(ctx, session, reportId, query);
  await appendAudit(
    ctx.db,
    { action: 'report.exported', actor: session.userUuid, workstationId: session.workstationId, details: { report: reportId, filters: run.filters, organisationPath: run.scope.lo } },
    ctx.now(),
  );
  const parts = run.source.parts(run.filters, run.scope, true);
  const columns = run.definition.columns;
  const db = ctx.db;
  async function* lines(): AsyncGenerator<string> {
    yield stringify([columns.map((c) => c.label)]);
    for await (const chunk of chunksOf(db, parts)) {
      yield stringify(chunk.map((row) => { const r = shown(run, row); return columns.map((c) => csvSafe(r[c.key] ?? null)); }));
    }
  }
  return { fileName: `${reportId}-${utcDate(ctx.now())}.csv`, body: Readable.from(lines(), { objectMode: false }) };
}
