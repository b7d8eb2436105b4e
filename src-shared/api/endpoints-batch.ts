import { BATCH_BODY_LIMIT_BYTES, BatchIdParams, BatchReport, BatchResult, BatchResultFile, BatchUploadBody } from './cim-batch.js';
import { endpoint } from './endpoint.js';

// Batch position management: check a CSV file, apply its good rows, download the outcome.

export const BATCH_ENDPOINTS = {
  checkAssignmentBatch: endpoint({
    method: 'POST',
    path: '/v1/assignment-batches',
    summary: 'Check a CSV file of position assignments to add, change or remove: every row is checked, nothing is changed; answers the report and a batch id',
    tag: 'cim',
    auth: 'session',
    viaAgent: true,
    status: 201,
    bodyLimit: BATCH_BODY_LIMIT_BYTES,
    body: BatchUploadBody,
    response: BatchReport,
  }),
  applyAssignmentBatch: endpoint({
    method: 'POST',
    path: '/v1/assignment-batches/:batchId/apply',
    summary: 'Apply the rows of a checked batch that had no problem, all in one transaction (once)',
    tag: 'cim',
    auth: 'session',
    viaAgent: true,
    params: BatchIdParams,
    response: BatchResult,
  }),
  assignmentBatchResult: endpoint({
    method: 'GET',
    path: '/v1/assignment-batches/:batchId/result',
    summary: 'The applied batch as CSV: each row of the file with its outcome',
    tag: 'cim',
    auth: 'session',
    viaAgent: true,
    params: BatchIdParams,
    response: BatchResultFile,
  }),
} as const;
