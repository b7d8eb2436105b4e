import { z } from 'zod';
import { IsoDateTime, Uuid } from './service-common.js';

// Batch position management (RAM, RAA(A)): a CSV file of position assignments to add, change or
// remove for many users at once. The file is checked whole first (every row, nothing changed),
// the report shows each row's problem, and only then are the good rows applied, together.
// The columns are described in src-service/cim/BATCH-CSV.md and on the batch page.

/** The columns a batch file may have, in the order the example file and the result use. */
export const BATCH_COLUMNS = ['action', 'user_uuid', 'ni_number', 'position_id', 'ods_code', 'position_title', 'start_date', 'end_date'] as const;
export type BatchColumn = (typeof BATCH_COLUMNS)[number];

/** Rows below the header one file may hold: a larger change is split into several files. */
export const BATCH_MAX_ROWS = 10_000;
/** The largest file the service reads, in characters (10,000 full rows fit well within it). */
export const BATCH_MAX_CHARS = 3_000_000;
/** The request body limit of the upload: the file as JSON text, with room for escaping. */
export const BATCH_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

/** POST /v1/assignment-batches: the CSV file's text, as read by the page (UTF-8). */
export const BatchUploadBody = z.strictObject({
  csv: z.string().max(BATCH_MAX_CHARS, 'the file is larger than 3 MB: split it into smaller files'),
  /** The file's name, to name the result after it. */
  fileName: z
    .string()
    .trim()
    .max(200)
    .regex(/^[^\\/\p{Cc}]*$/u, 'not a file name')
    .optional(),
});

const RowNumber = z.number().int().min(2);

/** One row the check refused, in the user's words ("Row 12: no user has ..."). */
const BatchRowError = z.strictObject({ row: RowNumber, message: z.string() });

export const BatchReport = z.strictObject({
  batchId: Uuid,
  checkedAt: IsoDateTime,
  /** Rows below the header (blank rows not counted). */
  rows: z.number().int().nonnegative(),
  /** Rows that can be applied, by what they do. */
  valid: z.number().int().nonnegative(),
  adds: z.number().int().nonnegative(),
  changes: z.number().int().nonnegative(),
  removals: z.number().int().nonnegative(),
  /** Every refused row, in file order; a row may have several problems, one entry each. */
  errors: z.array(BatchRowError),
});
export type BatchReport = z.infer<typeof BatchReport>;

export const BatchIdParams = z.strictObject({ batchId: Uuid });

/** What applying a checked batch did: the good rows, in one transaction. */
export const BatchResult = z.strictObject({
  batchId: Uuid,
  appliedAt: IsoDateTime,
  applied: z.number().int().nonnegative(),
  /** Rows the check had refused: left out, as the report said. */
  skipped: z.number().int().nonnegative(),
  /** Rows that were good when checked but no longer were when applied (someone changed the directory meanwhile). */
  notApplied: z.number().int().nonnegative(),
});
export type BatchResult = z.infer<typeof BatchResult>;

/** GET /v1/assignment-batches/:batchId/result: the file's rows, each with its outcome, as CSV text. */
export const BatchResultFile = z.strictObject({ fileName: z.string(), csv: z.string() });
