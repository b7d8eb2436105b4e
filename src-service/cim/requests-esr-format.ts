import { parse } from 'csv-parse/sync';
import type { z } from 'zod';
import { ESR_FIELDS, EsrCreateRecord, EsrModifyRecord, type EsrRecord } from '../../src-shared/api/cim-requests.js';
import { badRequest, type ServiceError } from '../service-error.js';
import { assertPlainText } from './text-rules.js';

// Reading an ESR file (docs/esr-feed.md): a JSON array of records, or CSV with a header row
// naming the fields. Every record is checked before anything is stored; every problem is
// reported, per record, in words: 'records.3.niNumber' and what is wrong with it.

export type EsrFormat = 'json' | 'csv';

interface Problem {
  path: string;
  message: string;
}

const LISTED = 10;

/**
 * The refusal of a file: how many records are wrong, then (the first few of) what is wrong, in
 * words a page can show as they are ("Record 3, niNumber: not a National Insurance number.").
 */
export function refusedFile(problems: readonly Problem[]): ServiceError {
  const records = new Set(problems.map((p) => p.path.split('.')[1])).size;
  const words = problems.slice(0, LISTED).map((p) => {
    const [, index, ...field] = p.path.split('.');
    return `Record ${Number(index) + 1}${field.length > 0 ? `, ${field.join('.')}` : ''}: ${p.message}.`;
  });
  const more = problems.length > LISTED ? ` And ${problems.length - LISTED} more.` : '';
  return badRequest(`${records === 1 ? 'One record is' : `${records} records are`} not valid; nothing was imported. ${words.join(' ')}${more}`, [...problems]);
}

function rowsOf(format: EsrFormat, content: string): unknown[] {
  if (format === 'json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch {
      throw badRequest('The file is not JSON: an ESR JSON file is an array of records.', [{ path: 'file', message: 'not JSON' }]);
    }
    if (!Array.isArray(parsed)) throw badRequest('An ESR JSON file is an array of records.', [{ path: 'file', message: 'not an array' }]);
    return parsed;
  }
  let records: Record<string, string>[];
  try {
    records = parse<Record<string, string>>(content, { columns: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (err) {
    throw badRequest(`The file cannot be read as CSV: ${(err as Error).message}`, [{ path: 'file', message: 'not CSV' }]);
  }
  const header = records[0] ? Object.keys(records[0]) : [];
  const unknown = header.filter((name) => !(ESR_FIELDS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw badRequest(`The CSV header names unknown fields: ${unknown.join(', ')}. The fields are: ${ESR_FIELDS.join(', ')}.`, unknown.map((name) => ({ path: `header.${name}`, message: 'unknown field' })));
  }
  // An empty cell is a field the record does not have.
  return records.map((row) => Object.fromEntries(Object.entries(row).filter(([, value]) => value !== '')));
}

function checkRecord(row: unknown, index: number): { record?: EsrRecord; problems: Problem[] } {
  const at = (field: string): string => `records.${index}${field ? `.${field}` : ''}`;
  const kind = typeof row === 'object' && row !== null ? (row as { kind?: unknown }).kind : undefined;
  if (kind !== 'create' && kind !== 'modify') return { problems: [{ path: at('kind'), message: 'kind must be create or modify' }] };
  const schema: z.ZodType<EsrRecord> = kind === 'create' ? EsrCreateRecord : EsrModifyRecord;
  const result = schema.safeParse(row);
  if (!result.success) return { problems: result.error.issues.map((issue) => ({ path: at(issue.path.map(String).join('.')), message: issue.message })) };
  try {
    const r = result.data;
    assertPlainText({ [at('givenName')]: r.givenName, [at('familyName')]: r.familyName, [at('positionTitle')]: 'positionTitle' in r ? r.positionTitle : undefined });
  } catch (err) {
    return { problems: (err as { fields?: Problem[] }).fields ?? [] };
  }
  return { record: result.data, problems: [] };
}

/** The file's records, each valid on its own (the store checks the rest); or a 400 naming every problem. */
export function readEsrFile(format: EsrFormat, content: string): EsrRecord[] {
  const rows = rowsOf(format, content);
  if (rows.length === 0) throw badRequest('The file holds no records.', [{ path: 'file', message: 'no records' }]);
  if (rows.length > 1000) throw badRequest('An ESR file holds at most 1000 records: split it.', [{ path: 'file', message: 'more than 1000 records' }]);
  const records: EsrRecord[] = [];
  const problems: Problem[] = [];
  const seen = new Map<string, number>();
  rows.forEach((row, index) => {
    const checked = checkRecord(row, index);
    problems.push(...checked.problems);
    if (!checked.record) return;
    const first = seen.get(checked.record.esrId);
    if (first !== undefined) problems.push({ path: `records.${index}.esrId`, message: `the ESR id ${checked.record.esrId} is also record ${first + 1}'s` });
    else seen.set(checked.record.esrId, index);
    records.push(checked.record);
  });
  if (problems.length > 0) throw refusedFile(problems);
  return records;
}
