import { DashboardTab } from '../../src-shared/api/apply.js';
import type { z } from 'zod';
import { CIM_PATHS } from '../cim/cim-paths.js';

// The dashboard's tab and page live in its address (?tab=rejected&page=2), so Back, reload and a
// shared link show the same list. An unknown tab or page shows the first page of In progress.

type Tab = z.infer<typeof DashboardTab>;

export function readDashboardAddress(params: URLSearchParams): { tab: Tab; page: number } {
  const tab = DashboardTab.safeParse(params.get('tab'));
  const page = Number(params.get('page') ?? '1');
  return { tab: tab.success ? tab.data : 'in-progress', page: Number.isInteger(page) && page >= 1 && page <= 10_000 ? page : 1 };
}

export function dashboardHref(tab: Tab, page: number): string {
  const query = new URLSearchParams({ tab, ...(page > 1 ? { page: String(page) } : {}) });
  return `${CIM_PATHS.applyHome}?${query.toString()}`;
}

/** How many pages a list of `total` rows takes, `pageSize` to a page (at least one). */
export const pageCount = (total: number, pageSize: number): number => Math.max(1, Math.ceil(total / Math.max(1, pageSize)));
