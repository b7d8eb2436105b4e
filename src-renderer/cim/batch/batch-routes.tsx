import type { RouteObject } from 'react-router';
import { CIM_PATHS } from '../cim-paths.js';
import { BatchPage } from './batch-page.js';

/** Batch position management's page. */
export const BATCH_ROUTES: RouteObject[] = [{ path: CIM_PATHS.batch, element: <BatchPage /> }];
