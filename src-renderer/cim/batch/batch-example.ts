import { BATCH_COLUMNS } from '../../../src-shared/api/cim-batch.js';

// The example file the batch page offers: one row of each kind, written against the training
// directory (the personas of src-service/seed/personas.ts and the positions of
// src-service/seed/training-positions.ts), so a trainee can upload it unchanged and see a check, a
// refused row and an apply. Its dates are worked out from today, so it never goes stale.

const DAY_MS = 86_400_000;

/** 'DD/MM/YYYY', `days` after `today` (an ISO date). */
function ukDateAfter(today: string, days: number): string {
  const at = new Date(Date.parse(`${today}T00:00:00.000Z`) + days * DAY_MS).toISOString();
  return `${at.slice(8, 10)}/${at.slice(5, 7)}/${at.slice(0, 4)}`;
}

/** The example file's text for `today` (an ISO date): CSV with a heading row. */
export function batchExampleCsv(today: string): string {
  const start = ukDateAfter(today, 7);
  const rows: Record<string, string>[] = [
    // Amelia Hart, by NI number and position title: the end date left out takes the fixed term.
    { action: 'add', ni_number: 'TR000001A', ods_code: 'RZZ01', position_title: 'Healthcare Assistant', start_date: start },
    // Rhys Evans, for three months.
    { action: 'add', ni_number: 'TR000007A', ods_code: 'RZZ01', position_title: 'Ward Clerk', start_date: start, end_date: ukDateAfter(today, 97) },
    // Nia Roberts, by UUID: her physiotherapist assignment gets an end date.
    { action: 'change', user_uuid: 'c1a55e00-0000-4000-8000-000000000008', ods_code: 'RZZ01', position_title: 'Physiotherapist', end_date: ukDateAfter(today, 365) },
    // Nobody has this NI number: the check reports the row, and Apply skips it.
    { action: 'add', ni_number: 'JX123456C', ods_code: 'RZZ01', position_title: 'Ward Clerk', start_date: start },
  ];
  const lines = [BATCH_COLUMNS.join(','), ...rows.map((row) => BATCH_COLUMNS.map((column) => row[column] ?? '').join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
