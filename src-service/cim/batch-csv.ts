import { CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { BATCH_COLUMNS, BATCH_MAX_ROWS, type BatchColumn } from '../../src-shared/api/cim-batch.js';
import { badRequest } from '../service-error.js';

// Reading a batch file (the columns are documented in BATCH-CSV.md) and writing its result.
// Whatever is wrong with the file as a whole (not text, not CSV, no header, an unknown column, a
// cell a spreadsheet would run as a formula, too many rows) refuses it before any row is
// looked at: nothing is stored and nothing changes. Problems with single rows are the check's
// (batch-check.ts), reported row by row.

/** One row below the header, numbered as a spreadsheet shows it (the header is row 1). */
export interface BatchFileRow {
  readonly row: number;
  readonly cells: Readonly<Record<BatchColumn, string>>;
  /** Cells beyond or short of the header's, when the row has a different number of them. */
  readonly cellCount: number;
}

export interface BatchFile {
  readonly header: readonly string[];
  readonly columns: readonly BatchColumn[];
  readonly rows: readonly BatchFileRow[];
  /** The raw records, header first, as the result file repeats them. */
  readonly records: readonly string[][];
}

/** Longest row the parser accepts, in characters: a real row is under 300. */
const MAX_RECORD_CHARS = 10_000;
/** How many offending cells a refusal lists: enough to find them, not a second copy of the file. */
const MAX_LISTED = 10;

/** What a column heading is taken to name: case, spaces and hyphens do not matter ("User UUID"). */
const headingKey = (heading: string): string => heading.trim().toLowerCase().replace(/[\s-]+/g, '_');

const isColumn = (key: string): key is BatchColumn => (BATCH_COLUMNS as readonly string[]).includes(key);

/**
 * A cell a spreadsheet would treat as a formula when the result is opened (=, +, -, @, or a tab or
 * carriage return before one). No column of this file can hold one legitimately, so it is refused,
 * and the result file never carries one back to a spreadsheet.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

function columnLetter(index: number): string {
  let n = index + 1;
  let letters = '';
  while (n > 0) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

function refuse(message: string, fields?: { path: string; message: string }[]): never {
  throw badRequest(`${message} Nothing has been changed.`, fields);
}

/** A C0 control other than tab, line feed and carriage return, or DEL. */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f) return true;
  }
  return false;
}

export function checkText(text: string): void {
  // The page reads the file as UTF-8: bytes that are not become U+FFFD. A file saved in another
  // encoding (Excel's "CSV" rather than "CSV UTF-8") would mangle names, so it is refused whole.
  if (text.includes('\uFFFD')) {
    refuse('The file is not UTF-8 text. In your spreadsheet, save it as "CSV UTF-8 (comma delimited)" and upload it again.');
  }
  // Control characters other than line breaks and tabs mean a binary file, not a spreadsheet.
  if (hasControlCharacter(text)) {
    refuse('The file is not a CSV file: it contains characters that are not text.');
  }
}

export function parseRecords(text: string): string[][] {
  try {
    const records: string[][] = parse(text, { bom: true, relax_column_count: true, max_record_size: MAX_RECORD_CHARS });
    return records;
  } catch (err) {
    if (err instanceof CsvError) {
      const line = typeof err['lines'] === 'number' ? ` (near line ${err['lines']})` : '';
      const why =
        err.code === 'CSV_QUOTE_NOT_CLOSED'
          ? 'a quoted cell is not closed'
          : (err.code as string) === 'INVALID_OPENING_QUOTE' || err.code === 'CSV_INVALID_CLOSING_QUOTE'
            ? 'a quote mark is inside a cell; a cell with quote marks in it must be wholly in quotes, each inner quote doubled'
            : err.code === 'CSV_MAX_RECORD_SIZE'
            ? `a row is longer than ${MAX_RECORD_CHARS.toLocaleString('en-GB')} characters`
            : 'it is not laid out as comma-separated values';
      refuse(`The file could not be read as CSV: ${why}${line}.`);
    }
    throw err;
  }
}

function readHeader(header: readonly string[]): BatchColumn[] {
  const keys = header.map(headingKey);
  const expected = BATCH_COLUMNS.join(', ');
  if (!keys.includes('action')) {
    // Most often the heading row was left out and the first row is data.
    refuse(`The first row must name the columns, and one of them must be action. The columns are: ${expected}.`);
  }
  const problems: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  keys.forEach((key, i) => {
    const path = `csv.header.${columnLetter(i)}`;
    if (key === '') problems.push({ path, message: `column ${columnLetter(i)} has no heading` });
    else if (!isColumn(key)) problems.push({ path, message: `"${header[i]?.trim().slice(0, 50)}" is not a column this file may have` });
    else if (seen.has(key)) problems.push({ path, message: `the column ${key} appears twice` });
    seen.add(key);
  });
  if (problems.length > 0) refuse(`The heading row names columns this file cannot have. The columns are: ${expected}.`, problems.slice(0, MAX_LISTED));
  const columns = keys as BatchColumn[];
  const has = (c: BatchColumn): boolean => columns.includes(c);
  if (!has('user_uuid') && !has('ni_number')) refuse('The file needs a user_uuid or a ni_number column to say whose assignments change.');
  if (!has('position_id') && !(has('ods_code') && has('position_title'))) {
    refuse('The file needs a position_id column, or ods_code and position_title columns, to say which position each row is about.');
  }
  return columns;
}

function refuseFormulas(records: readonly string[][], header: readonly string[]): void {
  const found: { path: string; message: string }[] = [];
  records.forEach((record, r) =>
    record.forEach((cell, c) => {
      if (FORMULA_START.test(cell)) {
        const column = headingKey(header[c] ?? '') || columnLetter(c);
        found.push({ path: `csv.row${r + 1}.${column}`, message: `row ${r + 1}, column ${column}: a cell may not start with ${JSON.stringify(cell[0])}` });
      }
    }),
  );
  if (found.length > 0) {
    refuse(
      `The file has ${found.length === 1 ? 'a cell that starts' : `${found.length} cells that start`} like a spreadsheet formula (=, +, -, @). Formulas are not accepted: type the values themselves.`,
      found.slice(0, MAX_LISTED),
    );
  }
}

export const blank = (record: readonly string[]): boolean => record.every((cell) => cell.trim() === '');

/** The file's rows under their column names; throws a 400 for a file that cannot be taken as a whole. */
export function readBatchFile(text: string): BatchFile {
  checkText(text);
  const records = parseRecords(text);
  const header = records[0];
  if (!header || blank(header)) refuse('The file is empty. The first row must name the columns, then one row for each change.');
  refuseFormulas(records, header);
  const columns = readHeader(header);
  const rows: BatchFileRow[] = [];
  records.forEach((record, i) => {
    // A blank row (often the spreadsheet's last) changes nothing; numbering still counts it.
    if (i === 0 || blank(record)) return;
    const cells = Object.fromEntries(BATCH_COLUMNS.map((c) => [c, ''])) as Record<BatchColumn, string>;
    columns.forEach((column, c) => {
      cells[column] = (record[c] ?? '').trim();
    });
    rows.push({ row: i + 1, cells, cellCount: record.length });
  });
  if (rows.length === 0) refuse('The file has no rows below the heading row.');
  if (rows.length > BATCH_MAX_ROWS) {
    refuse(`The file has ${rows.length.toLocaleString('en-GB')} rows; one file may have at most ${BATCH_MAX_ROWS.toLocaleString('en-GB')}. Split it into smaller files.`);
  }
  return { header, columns, rows, records };
}

/** The file again, each row with its outcome and a detail in words; blank rows left blank. */
export function writeBatchResult(file: BatchFile, outcomes: ReadonlyMap<number, { outcome: string; detail: string }>): string {
  const width = file.header.length;
  const lines = file.records.map((record, i) => {
    const cells = Array.from({ length: width }, (_, c) => record[c] ?? '');
    if (i === 0) return [...cells, 'outcome', 'detail'];
    const outcome = outcomes.get(i + 1);
    return [...cells, outcome?.outcome ?? '', outcome?.detail ?? ''];
  });
  // Every cell quoted: a spreadsheet then reads a value such as 007 or 1/2 as text, not a number or date.
  return stringify(lines, { quoted: true, record_delimiter: 'windows' });
}
