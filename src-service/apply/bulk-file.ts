import type { z } from 'zod';
import { ApplicantDetails, BULK_COLUMNS, MAX_BULK_ROWS } from '../../src-shared/api/apply.js';
import { blank, checkText, parseRecords } from '../cim/batch-csv.js';
import { badRequest } from '../service-error.js';
import type { ApplicationInput } from './create.js';

// Reading a bulk invitation file: a header row naming BULK_COLUMNS in order, then one applicant
// a row. What is wrong with the file as a whole (not text, not CSV, the wrong header, no rows,
// too many) refuses it before any row is looked at, and nothing is stored. A row's own problems
// are listed against its line, in words, and the row is left out of the send.

type BulkColumn = (typeof BULK_COLUMNS)[number];

export interface BulkRow {
  /** The line as a spreadsheet numbers it (the header is line 1). */
  readonly line: number;
  readonly applicantName: string;
  /** The application the row asks for, when its cells are well formed. */
  readonly input: ApplicationInput | null;
  readonly problems: string[];
}

const refuse = (message: string): never => {
  throw badRequest(`${message} Nothing has been changed.`, [{ path: 'body.csv', message }]);
};

const CELL_PROBLEMS: Record<keyof z.infer<typeof ApplicantDetails>, string> = {
  givenName: 'given_name: enter the given name (up to 100 characters).',
  familyName: 'family_name: enter the family name (up to 100 characters).',
  dateOfBirth: 'date_of_birth: enter the date of birth as YYYY-MM-DD, for example 1990-04-12.',
  niNumber: 'ni_number: enter a National Insurance number, like QQ 12 34 56 C.',
  email: 'email: enter an email address, like name@example.nhs.net.',
  mobile: 'mobile: enter a UK mobile number, like 07700 900123.',
};

/** One row's cells as an application (the applicant provides the delivery address), or its problems. */
function rowOf(line: number, record: readonly string[]): BulkRow {
  const cell = (column: BulkColumn): string => (record[BULK_COLUMNS.indexOf(column)] ?? '').trim();
  const applicantName = `${cell('given_name')} ${cell('family_name')}`.trim();
  const problems: string[] = [];
  if (record.length !== BULK_COLUMNS.length) problems.push(`The row has ${record.length} cells; it should have ${BULK_COLUMNS.length}, one for each column.`);
  const parsed = ApplicantDetails.safeParse({
    givenName: cell('given_name'),
    familyName: cell('family_name'),
    dateOfBirth: cell('date_of_birth'),
    niNumber: cell('ni_number'),
    email: cell('email'),
    mobile: cell('mobile'),
  });
  if (!parsed.success) {
    const fields = new Set(parsed.error.issues.map((issue) => issue.path[0] as keyof typeof CELL_PROBLEMS));
    for (const field of Object.keys(CELL_PROBLEMS) as (keyof typeof CELL_PROBLEMS)[]) if (fields.has(field)) problems.push(CELL_PROBLEMS[field]);
  }
  // Every row names its position: an application is approved by assigning it (a colleague's
  // access to copy is asked for one application at a time, on the Notes page).
  const positionCell = cell('position_id');
  const positionId = /^\d{1,9}$/.test(positionCell) && Number(positionCell) > 0 ? Number(positionCell) : undefined;
  if (positionId === undefined) {
    problems.push(
      positionCell === ''
        ? 'position_id: enter the ID of the position the applicant needs, at the organisation you work under now.'
        : 'position_id: the position ID is a number, as Care Identity Management shows it.',
    );
  }
  const notes = cell('notes');
  if (notes.length > 1000) problems.push('notes: the notes can be at most 1,000 characters.');
  const input: ApplicationInput | null =
    parsed.success && positionId !== undefined && problems.length === 0
      ? { applicant: parsed.data, applicantProvidesAddress: true, access: { kind: 'position', positionId }, notes }
      : null;
  return { line, applicantName, input, problems };
}

/** The file's applicant rows; throws a 400 for a file that cannot be taken as a whole. */
export function readBulkFile(csv: string): BulkRow[] {
  checkText(csv);
  const records = parseRecords(csv);
  const header = records[0];
  const expected = BULK_COLUMNS.join(',');
  if (!header || blank(header)) refuse(`The file is empty. The first row must name the columns: ${expected}.`);
  const names = (header ?? []).map((h) => h.trim().toLowerCase());
  if (names.join(',') !== expected) refuse(`The first row must name the columns, in this order: ${expected}.`);
  const rows: BulkRow[] = [];
  records.forEach((record, i) => {
    // A blank row (often a spreadsheet's last) asks for nothing; numbering still counts it.
    if (i > 0 && !blank(record)) rows.push(rowOf(i + 1, record));
  });
  if (rows.length === 0) refuse('The file has no applicants below the heading row.');
  if (rows.length > MAX_BULK_ROWS) refuse(`The file has ${rows.length.toLocaleString('en-GB')} applicants; one file may have at most ${MAX_BULK_ROWS.toLocaleString('en-GB')}. Split it into smaller files.`);
  return rows;
}
