import type { RouteObject } from 'react-router';
import { CIM_PATHS } from '../cim-paths.js';
import { EsrImportPage } from './esr-import-page.js';
import { RequestPage } from './request-page.js';
import { RequestsPage } from './requests-page.js';

// The Requests pages: the list, one request, and importing an ESR file.

export const REQUESTS_ROUTES: RouteObject[] = [
  { path: CIM_PATHS.requests, element: <RequestsPage /> },
  { path: CIM_PATHS.importEsr, element: <EsrImportPage /> },
  { path: CIM_PATHS.request(':kind', ':id'), element: <RequestPage /> },
];
