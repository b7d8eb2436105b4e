import { BULK_COLUMNS, MAX_BULK_ROWS } from '../../src-shared/api/apply.js';

// Bulk invitations: what the CSV file holds, said once for the page and the example file the
// sponsor can download. The service checks every row; this only explains and offers the example.

/** What each column holds, in the file's order (the first row names the columns). */
export const BULK_COLUMN_HELP: Record<(typeof BULK_COLUMNS)[number], string> = {
  given_name: "The applicant's given name",
  family_name: "The applicant's family name",
  date_of_birth: 'Their date of birth as year-month-day, like 1990-04-23',
  ni_number: 'Their National Insurance number, like AB123456C',
  email: 'Their email address: the link to confirm their details goes here',
  mobile: 'Their UK mobile number: the link to prove their identity is texted here',
  position_id: 'The ID of the access position at your organisation (shown on New application)',
  notes: 'Anything the Registration Authority should know (may be empty)',
};

export const BULK_EXAMPLE_FILE_NAME = 'apply-for-care-id-example.csv';

/** The example file: the header row and two made-up applicants. */
export function bulkExampleCsv(positionId: number | null): string {
  const position = String(positionId ?? 1);
  const rows = [
    [...BULK_COLUMNS],
    ['Aisha', 'Khan', '1991-02-14', 'AB123456C', 'aisha.khan@nhs.net', '07700900123', position, 'Starts on ward 4'],
    ['Tom', 'Evans', '1985-11-30', 'CE654321A', 'tom.evans@nhs.net', '07700900456', position, ''],
  ];
  return `${rows.map((row) => row.map(csvField).join(',')).join('\r\n')}\r\n`;
}

/** One CSV field, quoted when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const MAX_BULK_FILE_BYTES = 2_000_000;

/** What is wrong with a chosen file before it is read, in the sponsor's words; null when it may be sent. */
export function bulkFileProblem(file: { name: string; size: number } | null): string | null {
  if (file === null) return 'Select a CSV file';
  if (!/\.csv$/i.test(file.name)) return 'The selected file must be a CSV';
  if (file.size === 0) return 'The selected file is empty';
  if (file.size > MAX_BULK_FILE_BYTES) return `The selected file must be smaller than 2 MB (${MAX_BULK_ROWS} applicants at most)`;
  return null;
}
