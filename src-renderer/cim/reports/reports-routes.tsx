import type { RouteObject } from 'react-router';
import { CIM_PATHS } from '../cim-paths.js';
import { ReportPage } from './report-page.js';
import { ReportsList } from './reports-list.js';

// The report pages: the list, and one report with its filters, table and export.
export const REPORTS_ROUTES: RouteObject[] = [
  { path: CIM_PATHS.reports, element: <ReportsList /> },
  { path: CIM_PATHS.report(':reportId'), element: <ReportPage /> },
];
