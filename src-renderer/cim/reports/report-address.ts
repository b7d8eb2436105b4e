import { REPORT_FILTERS, type ReportDefinition, type ReportId, type SortDirection } from '../../../src-shared/api/cim-reports.js';

// A report page keeps what it shows in its address (filters, sort, page), so Back, reload and a
// shared link show the same rows. These read and write that address's search part.

export interface ReportView {
  readonly filters: Readonly<Record<string, string>>;
  readonly sort: string;
  readonly direction: SortDirection;
  readonly page: number;
}

export const REPORT_PAGE_SIZE = 25;

export function viewOf(definition: ReportDefinition, search: URLSearchParams): ReportView {
  const filters: Record<string, string> = {};
  for (const f of definition.filters) {
    const value = search.get(f.name);
    if (value !== null && value !== '') filters[f.name] = value;
  }
  const sort = search.get('sort') ?? definition.defaultSort.column;
  const direction = search.get('direction') === 'descending' ? 'descending' : search.get('direction') === 'ascending' ? 'ascending' : sort === definition.defaultSort.column ? definition.defaultSort.direction : 'ascending';
  const page = Math.max(1, Number.parseInt(search.get('page') ?? '1', 10) || 1);
  return { filters, sort, direction, page };
}

export function searchOf(view: ReportView): URLSearchParams {
  return new URLSearchParams({ ...view.filters, sort: view.sort, direction: view.direction, page: String(view.page) });
}

/** The filters a form would send, checked by the report's own schema: each problem by field name. */
export function checkFilters(reportId: ReportId, values: Readonly<Record<string, string>>): { ok: true } | { ok: false; errors: Record<string, string> } {
  const given = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
  const result = REPORT_FILTERS[reportId].safeParse(given);
  if (result.success) return { ok: true };
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) {
    const name = String(issue.path[0] ?? '');
    errors[name] ??= issue.message.startsWith('Invalid') ? 'Enter a date as year-month-day, for example 2025-06-30' : issue.message;
  }
  return { ok: false, errors };
}
