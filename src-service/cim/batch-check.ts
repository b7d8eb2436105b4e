import { POSITION_TERM_DAYS } from '../../src-shared/api/service-cim.js';
import { NiNumber, Uuid } from '../../src-shared/api/service-common.js';
import { inScope } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import type { Db } from '../store/database.js';
import type { BatchFileRow } from './batch-csv.js';
import { batchDate, ukDate } from './batch-dates.js';
import { lookUpBatch, titleKey, type BatchLookups, type BatchPosition, type BatchUser } from './batch-lookups.js';
import { addDays } from './dates.js';

// Checking every row of a batch file against the directory, before anything changes: who the
// row is about, which position, whether both are in the session's organisations, and whether
// the change makes sense (a position the user does not already hold, an assignment that exists
// to change or remove, real dates in the right order). The directory is read in bulk
// (batch-lookups.ts), so a 10,000-row file costs a few dozen queries, not one per row. Every
// problem is said in the user's words, for the row it is on.

interface Who {
  readonly userId: number;
  readonly userUuid: string;
  readonly userName: string;
  readonly positionId: number;
}

export type PlannedChange =
  | (Who & { readonly kind: 'add'; readonly row: number; readonly startDate: string; readonly endDate: string })
  | (Who & { readonly kind: 'change'; readonly row: number; readonly assignmentId: number; readonly startDate: string; readonly endDate: string | null })
  | (Who & { readonly kind: 'remove'; readonly row: number; readonly assignmentIds: readonly number[] });

export interface RowProblem {
  readonly row: number;
  readonly message: string;
}

export interface BatchCheck {
  readonly changes: readonly PlannedChange[];
  readonly errors: readonly RowProblem[];
}

type Action = PlannedChange['kind'];
const ACTIONS: readonly Action[] = ['add', 'change', 'remove'];

interface DateCell {
  readonly iso: string;
  readonly text: string;
}

/** A row's cells read on their own, before the directory is asked. */
interface ReadRow {
  readonly row: number;
  readonly problems: string[];
  action?: Action;
  uuid?: string;
  ni?: string;
  positionId?: number;
  ods?: string;
  title?: string;
  start?: DateCell;
  end?: DateCell;
}

const ODS_CODE = /^[A-Z0-9]{3,10}$/;
const POSITION_ID = /^[1-9]\d{0,9}$/;
/** Longest cell quoted back in a message. */
const QUOTED = 60;
const quote = (text: string): string => `"${text.length > QUOTED ? `${text.slice(0, QUOTED)}…` : text}"`;

function readDate(problems: string[], text: string, which: 'start' | 'end'): DateCell | undefined {
  if (text === '') return undefined;
  const iso = batchDate(text);
  if (iso === undefined) {
    problems.push(`the ${which} date ${quote(text)} is not a date (write it as DD/MM/YYYY)`);
    return undefined;
  }
  return { iso, text };
}

function readRow(fileRow: BatchFileRow, width: number): ReadRow {
  const { cells } = fileRow;
  const read: ReadRow = { row: fileRow.row, problems: [] };
  const { problems } = read;
  if (fileRow.cellCount !== width) problems.push(`it has ${fileRow.cellCount} cells but the heading row has ${width}`);

  const action = cells.action.toLowerCase();
  if (action === '') problems.push('the action is missing (add, change or remove)');
  else if ((ACTIONS as readonly string[]).includes(action)) read.action = action as Action;
  else problems.push(`the action ${quote(cells.action)} is not add, change or remove`);

  if (cells.user_uuid !== '') {
    if (Uuid.safeParse(cells.user_uuid.toLowerCase()).success) read.uuid = cells.user_uuid.toLowerCase();
    else problems.push(`${quote(cells.user_uuid)} is not a user UUID`);
  }
  if (cells.ni_number !== '') {
    const ni = NiNumber.safeParse(cells.ni_number);
    if (ni.success) read.ni = ni.data;
    else problems.push(`${quote(cells.ni_number)} is not a National Insurance number`);
  }
  if (cells.user_uuid === '' && cells.ni_number === '') problems.push("give the user's UUID or National Insurance number");

  if (cells.position_id !== '') {
    if (POSITION_ID.test(cells.position_id)) read.positionId = Number(cells.position_id);
    else problems.push(`${quote(cells.position_id)} is not a position id`);
  }
  if (cells.ods_code !== '') {
    const ods = cells.ods_code.toUpperCase();
    if (ODS_CODE.test(ods)) read.ods = ods;
    else problems.push(`${quote(cells.ods_code)} is not an ODS code`);
  }
  if (cells.position_title !== '') read.title = cells.position_title;
  if (cells.position_id === '' && (cells.ods_code === '' || cells.position_title === '')) {
    problems.push("give the position's id, or the organisation's ODS code and the position title");
  }

  const start = readDate(problems, cells.start_date, 'start');
  const end = readDate(problems, cells.end_date, 'end');
  if (start) read.start = start;
  if (end) read.end = end;
  return read;
}

/** The user a row names (UUID, NI number, or both naming the same person), or the problem. */
function resolveUser(read: ReadRow, lookups: BatchLookups): BatchUser | string | undefined {
  const byUuid = read.uuid !== undefined ? lookups.usersByUuid.get(read.uuid) : undefined;
  const byNi = read.ni !== undefined ? lookups.usersByNi.get(read.ni) : undefined;
  if (read.uuid !== undefined && !byUuid) return `no user has UUID ${read.uuid}`;
  if (read.ni !== undefined && !byNi) return `no user has National Insurance number ${read.ni}`;
  if (byUuid && byNi && byUuid.id !== byNi.id) return 'the UUID and the National Insurance number belong to different people';
  return byUuid ?? byNi;
}

function resolvePosition(read: ReadRow, lookups: BatchLookups): BatchPosition | string | undefined {
  if (read.positionId !== undefined) {
    const position = lookups.positionsById.get(read.positionId);
    if (!position) return `no position has id ${read.positionId}`;
    // Given as well, the code and title must agree: a mismatch means the row is not what its writer thinks.
    if (read.ods !== undefined && position.orgCode !== read.ods) return `position ${position.id} is at ${position.orgCode}, not ${read.ods}`;
    if (read.title !== undefined && titleKey(position.title) !== titleKey(read.title)) return `position ${position.id} is ${quote(position.title)}, not ${quote(read.title)}`;
    return position;
  }
  if (read.ods === undefined || read.title === undefined) return undefined;
  if (!lookups.orgCodes.has(read.ods)) return `no organisation has ODS code ${read.ods}`;
  const titled = lookups.positionsByOrgTitle.get(`${read.ods}\n${titleKey(read.title)}`) ?? [];
  if (titled.length === 0) return `${read.ods} has no position titled ${quote(read.title)}`;
  // Several with one title: an open one is the one meant, if it is the only open one.
  const open = titled.filter((p) => !p.closed);
  if (titled.length === 1) return titled[0];
  if (open.length === 1) return open[0];
  return `${read.ods} has ${titled.length} positions titled ${quote(read.title)}: give the position_id instead`;
}

const endText = (endDate: string | null): string => (endDate === null ? 'with no end date' : `until ${ukDate(endDate)}`);

/** What the row would do, or its problems, once its user and position are known. */
function planRow(read: ReadRow & { action: Action }, user: BatchUser, position: BatchPosition, lookups: BatchLookups, session: SessionContext, today: string): PlannedChange | string[] {
  const problems: string[] = [];
  const name = user.name;
  if (user.id === session.userId) problems.push('you cannot change your own position assignments');
  if (!lookups.userOrgPaths(user.id).some((path) => inScope(session, path))) problems.push(`${name} is outside your organisations`);
  if (!inScope(session, position.orgPath)) problems.push(`the position ${quote(position.title)} at ${position.orgCode} is outside your organisations`);
  if (problems.length > 0) return problems;

  const who: Who = { userId: user.id, userUuid: user.uuid, userName: name, positionId: position.id };
  const current = lookups.currentAssignments(user.id, position.id);
  const { start, end } = read;

  if (read.action === 'add') {
    if (position.closed) problems.push('the position is closed');
    if (user.closed) problems.push(`${name}'s profile is closed`);
    if (!start) problems.push('an add needs a start date');
    else if (start.iso < today) problems.push(`the start date ${start.text} is in the past`);
    if (start && end && end.iso < start.iso) problems.push(`the end date ${end.text} is before the start date ${start.text}`);
    const held = current[0];
    if (held) problems.push(`${name} already has this position (${endText(held.endDate)})`);
    if (problems.length > 0 || !start) return problems;
    // No end date: the fixed term from the start, as a position request gets.
    const endDate = end?.iso ?? addDays(start.iso, POSITION_TERM_DAYS);
    if (endDate === undefined) return [`the start date ${start.text} is too far in the future`];
    return { kind: 'add', row: read.row, ...who, startDate: start.iso, endDate };
  }

  if (read.action === 'change') {
    const held = current[0];
    if (!held) return [`${name} has no current assignment to this position to change`];
    if (current.length > 1) return [`${name} has more than one current assignment to this position: change it on their profile`];
    if (!start && !end) return ['a change needs a new start date, end date or both'];
    if (position.closed) problems.push('the position is closed');
    const startDate = start?.iso ?? held.startDate;
    const endDate = end?.iso ?? held.endDate;
    if (start && start.iso !== held.startDate && start.iso < today) problems.push(`the start date ${start.text} is in the past`);
    if (end && end.iso < today) problems.push(`the end date ${end.text} is in the past: to end the assignment now, remove it`);
    if (endDate !== null && endDate < startDate) problems.push(`the end date ${ukDate(endDate)} is before the start date ${ukDate(startDate)}`);
    if (problems.length > 0) return problems;
    return { kind: 'change', row: read.row, ...who, assignmentId: held.id, startDate, endDate };
  }

  if (start || end) return ['a removal takes no start or end date: leave them empty'];
  if (current.length === 0) return [`${name} has no current assignment to this position to remove`];
  return { kind: 'remove', row: read.row, ...who, assignmentIds: current.map((a) => a.id) };
}

/**
 * Checks every row; `today` is the service's UTC date. Runs on `db` as given: outside a
 * transaction when checking an upload, inside the applying one when applying (so what is
 * applied is what holds at that moment).
 */
export async function checkBatchRows(db: Db, session: SessionContext, rows: readonly BatchFileRow[], width: number, today: string): Promise<BatchCheck> {
  const reads = rows.map((row) => readRow(row, width));
  const lookups = await lookUpBatch(db, reads, today);
  const changes: PlannedChange[] = [];
  const errors: RowProblem[] = [];
  // The first row about each user and position: a second one would make the outcome depend on order.
  const firstRow = new Map<string, number>();

  for (const read of reads) {
    const problems = [...read.problems];
    const user = resolveUser(read, lookups);
    const position = resolvePosition(read, lookups);
    if (typeof user === 'string') problems.push(user);
    if (typeof position === 'string') problems.push(position);
    if (typeof user === 'object' && typeof position === 'object') {
      const key = `${user.id}:${position.id}`;
      const earlier = firstRow.get(key);
      if (earlier !== undefined) problems.push(`it repeats row ${earlier}: the same user and position may appear only once in a file`);
      else firstRow.set(key, read.row);
      if (problems.length === 0 && read.action !== undefined) {
        const planned = planRow({ ...read, action: read.action }, user, position, lookups, session, today);
        if (Array.isArray(planned)) problems.push(...planned);
        else changes.push(planned);
      }
    }
    errors.push(...problems.map((message) => ({ row: read.row, message })));
  }
  return { changes, errors };
}
