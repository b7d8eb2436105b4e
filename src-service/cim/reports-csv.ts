// A report cell as it goes into a CSV file. A spreadsheet opening the file would take text that
// starts with = + - @ (or a tab or carriage return, which some strip first) as a formula, and a
// name or an organisation is text anyone may have typed: such a cell is written with a leading
// apostrophe, which spreadsheets show as text (OWASP "CSV injection"). Numbers are the service's
// own and go as they are. Quoting is csv-stringify's (RFC 4180).

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvSafe(value: string | number | null): string | number {
  if (value === null) return '';
  if (typeof value === 'number') return value;
  return FORMULA_START.test(value) ? `'${value}` : value;
}
