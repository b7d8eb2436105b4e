import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { applyAssignmentBatch, assignmentBatchResult, checkAssignmentBatch } from '../cim/batch-assignments.js';
import { route, type AnyRoute } from './route.js';

// Batch position management: each handler authorises inside cim/batch-assignments.ts.

/** The batch endpoints. */
export function batchRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.checkAssignmentBatch, ({ ctx, session, body }) => checkAssignmentBatch(ctx, session, body)),
    route(SERVICE_ENDPOINTS.applyAssignmentBatch, ({ ctx, session, params }) => applyAssignmentBatch(ctx, session, params.batchId)),
    route(SERVICE_ENDPOINTS.assignmentBatchResult, ({ ctx, session, params }) => assignmentBatchResult(ctx, session, params.batchId)),
  ];
}
