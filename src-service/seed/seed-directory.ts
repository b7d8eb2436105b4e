import { normaliseName } from '../cim/normalise-name.js';
import { bulkInsert, continueIdsAfter, type BulkValue } from '../store/bulk-load.js';
import type { Db } from '../store/database.js';
import { SeedCalendar } from './calendar.js';
import { SeedError } from './seed-error.js';
import { FAMILY_NAMES, GIVEN_NAMES } from './names.js';
import { NiNumberSequence } from './ni-numbers.js';
import { planTree, type PlannedOrg, type Workplace } from './organisation-tree.js';
import { PERSONAS, seedPersonas, TRAINING_ORGANISATIONS } from './personas.js';
import {
  DIRECTORATE_POSITIONS,
  GP_PRACTICE_POSITIONS,
  PHARMACY_POSITIONS,
  TRUST_CORPORATE_POSITIONS,
  type PositionTemplate,
} from './position-templates.js';
import { randomHex, randomUuid, seededRandom, WeightedPicker, zipfWeights, type Random } from './prng.js';

// The synthetic directory: organisations, positions, and `users` people, each with a position
// assignment (some with two, a few with one that has ended), one smartcard and its certificate
// record. The same seed and reference day always write the same rows, byte for byte.
//
// Seeded cards have no certificate DER and no sealed secrets (PUK, management key): issuing a
// million and a half real certificates and keys is out of scope, and nothing reads them until a
// card is actually issued or renewed through the CA, which writes its own rows.
//
// Rows are written in bulk (store/bulk-load.ts), a batch of users at a time, each table's part of
// a batch all or nothing; the same rows on either engine.

export interface SeedOptions {
  readonly users: number;
  readonly seed: number;
  /** Reference day (YYYY-MM-DD): certificate expiries and assignment dates are spread around it. */
  readonly asOf: string;
  /** Also write the training subtree and personas (see personas.ts). */
  readonly personas?: boolean;
  /** Called as each tenth of the users is written. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface SeedCounts {
  organisations: number;
  positions: number;
  users: number;
  assignments: number;
  cards: number;
  certificates: number;
  personas: number;
}

/** Of users: a second active post; an extra post that has ended; a closed profile. */
const SECOND_POST = 0.1;
const ENDED_POST = 0.02;
const CLOSED_PROFILE = 0.005;
/** Of open users' cards: locked (three wrong passcodes), revoked awaiting a replacement. */
const LOCKED_CARD = 0.02;
const REVOKED_CARD = 0.002;
const DOUBLE_BARRELLED = 0.03;
/** Certificates last three years; with issue dates spread evenly over the last three years,
 * expiries spread evenly over the next three, and a month's worth not yet renewed has lapsed. */
const CERTIFICATE_DAYS = 3 * 365;
const EXPIRED_DAYS = 30;
const USERS_PER_BATCH = 50_000;
const YIELD_EVERY = 2_000;

interface PlacedWorkplace {
  readonly workplace: Workplace;
  readonly positionIds: number[];
  readonly picker: WeightedPicker;
  readonly emailDomain: string;
}

function templatesFor(kind: Workplace['kind']): readonly PositionTemplate[] {
  switch (kind) {
    case 'directorate':
      return DIRECTORATE_POSITIONS;
    case 'trust-corporate':
      return TRUST_CORPORATE_POSITIONS;
    case 'gp-practice':
      return GP_PRACTICE_POSITIONS;
    case 'pharmacy':
      return PHARMACY_POSITIONS;
  }
}

/** "Ashford Hospitals NHS Foundation Trust" -> "ahft.nhs.uk": the shape of trust mail domains. */
function trustDomain(trust: PlannedOrg): string {
  const initials = trust.name
    .split(/\s+/)
    .filter((w) => w !== 'NHS' && w !== 'and')
    .map((w) => w[0]?.toLowerCase() ?? '')
    .join('');
  return `${initials}.nhs.uk`;
}

const emailPart = (norm: string): string => norm.replace(/[^a-z-]/g, '');

/** Tables the directory is written to, in the order their rows must go in. */
export const DIRECTORY_TABLES = ['organisations', 'positions', 'users', 'position_assignments', 'cards', 'certificates'] as const;

const count = async (db: Db, table: 'organisations' | 'users'): Promise<number> =>
  Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

export async function assertNoDirectory(db: Db): Promise<void> {
  const orgs = await count(db, 'organisations');
  const users = await count(db, 'users');
  if (orgs > 0 || users > 0) {
    throw new SeedError(`this database already has a directory (${orgs} organisations, ${users} users); seed a new file`);
  }
}

/** Refuses what the seed cannot do before anything is written. */
export function checkSeedOptions(options: SeedOptions): SeedCalendar {
  if (!Number.isSafeInteger(options.users) || options.users < 0) throw new SeedError('the number of users must be a whole number, 0 or more');
  return new SeedCalendar(options.asOf);
}

export async function seedDirectory(db: Db, options: SeedOptions): Promise<SeedCounts> {
  const calendar = checkSeedOptions(options);
  await assertNoDirectory(db);
  const counts: SeedCounts = { organisations: 0, positions: 0, users: 0, assignments: 0, cards: 0, certificates: 0, personas: 0 };
  if (options.users > 0) await writeDirectory(db, options, calendar, counts);
  if (options.personas) await addTrainingPersonas(db, counts);
  return counts;
}

/** The training subtree and personas (personas.ts), counted into `counts`. */
export async function addTrainingPersonas(db: Db, counts: SeedCounts): Promise<void> {
  await seedPersonas(db);
  counts.organisations += TRAINING_ORGANISATIONS.length;
  counts.personas = PERSONAS.length;
}

async function writeDirectory(db: Db, options: SeedOptions, calendar: SeedCalendar, counts: SeedCounts): Promise<void> {
  // Separate streams, so a change to how the tree is drawn does not reshuffle every person.
  const treeRandom = seededRandom(options.seed, 1);
  const random = seededRandom(options.seed, 2);
  const tree = planTree(treeRandom, options.users, 1, new Set(TRAINING_ORGANISATIONS.map((o) => o.code)));

  const places: PlacedWorkplace[] = [];
  const positionRows: BulkValue[][] = [];
  let positionId = 1;
  for (const workplace of tree.workplaces) {
    const chosen = templatesFor(workplace.kind).filter((t) => t.always || treeRandom.chance(0.7));
    const positionIds = chosen.map((t) => {
      positionRows.push([positionId, workplace.org.id, t.title, t.jobRole, t.roles.join(','), t.restricted ? 0 : 1]);
      return positionId++;
    });
    places.push({
      workplace,
      positionIds,
      picker: new WeightedPicker(chosen.map((t) => t.weight)),
      emailDomain: workplace.trust ? trustDomain(workplace.trust) : 'nhs.net',
    });
  }
  await bulkInsert(
    db,
    'organisations',
    ['id', 'code', 'name', 'name_norm', 'kind', 'parent_id', 'path'],
    tree.orgs.map((o) => [o.id, o.code, o.name, o.nameNorm, o.kind, o.parentId, o.path]),
  );
  await bulkInsert(db, 'positions', ['id', 'org_id', 'title', 'job_role', 'roles', 'assignable'], positionRows);
  counts.positions = positionId - 1;
  counts.organisations = tree.orgs.length;

  const placePicker = new WeightedPicker(places.map((p) => p.workplace.weight));
  const nearby: number[][] = Array.from({ length: tree.boards }, () => []);
  places.forEach((p, i) => nearby[p.workplace.board]?.push(i));
  const familyPicker = new WeightedPicker(zipfWeights(FAMILY_NAMES.length, 1, 10));
  const givenPicker = new WeightedPicker(zipfWeights(GIVEN_NAMES.length, 0.6, 8));
  const familyNorms = FAMILY_NAMES.map(normaliseName);
  const givenNorms = GIVEN_NAMES.map(normaliseName);
  const niNumbers = new NiNumberSequence(random);
  // NHSmail's rule for a name already taken: firstname.lastname, then firstname.lastname1, 2, ...
  const emailsTaken = new Map<string, number>();

  // One batch's rows, table by table, in the columns of BATCH_COLUMNS.
  let users: BulkValue[][] = [];
  let assignments: BulkValue[][] = [];
  let cards: BulkValue[][] = [];
  let certificates: BulkValue[][] = [];
  const insertUser = (...row: BulkValue[]): number => users.push(row);
  const insertAssignment = (...row: BulkValue[]): number => assignments.push(row);
  const insertCard = (...row: BulkValue[]): number => cards.push(row);
  const insertCertificate = (...row: BulkValue[]): number => certificates.push(row);

  /** Another workplace under the same board (or the same one, in a board with only one). */
  const nearbyPlace = (r: Random, board: number, not: number): PlacedWorkplace => {
    const list = nearby[board] as number[];
    let i = list[r.int(list.length)] as number;
    if (i === not && list.length > 1) i = list[(list.indexOf(i) + 1) % list.length] as number;
    return places[i] as PlacedWorkplace;
  };
  const positionAt = (r: Random, p: PlacedWorkplace): number => p.positionIds[p.picker.index(r)] as number;

  const writeUser = (id: number): void => {
    const r = random;
    const placeIndex = placePicker.index(r);
    const place = places[placeIndex] as PlacedWorkplace;
    const fi = familyPicker.index(r);
    let family = FAMILY_NAMES[fi] as string;
    let familyNorm = familyNorms[fi] as string;
    if (r.chance(DOUBLE_BARRELLED)) {
      const second = familyPicker.index(r);
      const other = FAMILY_NAMES[second] as string;
      if (second !== fi && !other.includes(' ') && !family.includes(' ')) {
        family = `${family}-${other}`;
        familyNorm = `${familyNorm}-${familyNorms[second]}`;
      }
    }
    const gi = givenPicker.index(r);
    const given = GIVEN_NAMES[gi] as string;
    const givenNorm = givenNorms[gi] as string;

    let email: string | null = null;
    const mailChoice = r.float();
    if (mailChoice < 0.95) {
      const domain = mailChoice < 0.88 ? 'nhs.net' : place.emailDomain;
      const local = `${emailPart(givenNorm)}.${emailPart(familyNorm)}`;
      const key = `${local}@${domain}`;
      const taken = emailsTaken.get(key) ?? 0;
      emailsTaken.set(key, taken + 1);
      email = taken === 0 ? key : `${local}${taken}@${domain}`;
    }
    // Ofcom's range for drama and training: a seeded profile can never text a real phone.
    const mobile = r.chance(0.7) ? `07700900${String(r.int(1000)).padStart(3, '0')}` : null;
    const closed = r.chance(CLOSED_PROFILE);
    const joinedDaysAgo = 30 + r.int(15 * 365);
    insertUser(
      id,
      randomUuid(r),
      given,
      family,
      familyNorm,
      givenNorm,
      niNumbers.numberFor(id - 1),
      email,
      mobile,
      closed ? 'closed' : 'open',
      place.workplace.org.id,
      calendar.dateTime(-joinedDaysAgo, r.int(86_400)),
    );
    counts.users++;

    const home = positionAt(r, place);
    insertAssignment(id, home, calendar.date(-joinedDaysAgo), null);
    counts.assignments++;
    if (r.chance(SECOND_POST)) {
      // Half take a second post in their own team, half with a neighbouring organisation; half
      // of the second posts are fixed-term.
      let other = place.positionIds.length > 1 && r.chance(0.5) ? positionAt(r, place) : positionAt(r, nearbyPlace(r, place.workplace.board, placeIndex));
      if (other === home) other = positionAt(r, nearbyPlace(r, place.workplace.board, placeIndex));
      const started = r.int(joinedDaysAgo);
      insertAssignment(id, other, calendar.date(-started), r.chance(0.5) ? null : calendar.date(1 + r.int(2 * 365)));
      counts.assignments++;
    }
    if (r.chance(ENDED_POST)) {
      const ended = 1 + r.int(3 * 365);
      insertAssignment(id, positionAt(r, nearbyPlace(r, place.workplace.board, placeIndex)), calendar.date(-ended - 30 - r.int(3 * 365)), calendar.date(-ended));
      counts.assignments++;
    }

    const status = closed ? 'revoked' : r.chance(LOCKED_CARD) ? 'locked' : r.chance(REVOKED_CARD) ? 'revoked' : 'active';
    const expiresIn = -EXPIRED_DAYS + r.int(CERTIFICATE_DAYS + EXPIRED_DAYS);
    const issued = expiresIn - CERTIFICATE_DAYS;
    const issuedAt = calendar.dateTime(issued, 28_800 + r.int(36_000));
    insertCard(id, randomUuid(r), 10_000_000 + id, id, status, r.chance(0.9) ? 'rsa2048' : 'p256', issuedAt);
    const revokedAt = status === 'revoked' ? calendar.dateTime(-r.int(Math.min(-issued, 365)), r.int(86_400)) : null;
    // A positive 128-bit serial, as RFC 5280 asks: top bit clear.
    const serial = ((r.u32() & 0x7fffffff) >>> 0).toString(16).padStart(8, '0') + randomHex(r, 12);
    insertCertificate(serial, id, issuedAt, calendar.dateTime(expiresIn, 28_800 + r.int(36_000)), revokedAt, revokedAt ? (closed ? 'cessationOfOperation' : 'keyCompromise') : null);
    counts.cards++;
    counts.certificates++;
  };

  const total = options.users;
  const tenth = Math.max(1, Math.ceil(total / 10));
  // Each batch is written while the next is drawn: on PostgreSQL the server takes one batch's
  // COPY while this process makes the next (drawing yields now and then, so the COPY streams).
  let writing: Promise<void> = Promise.resolve();
  for (let start = 1; start <= total; start += USERS_PER_BATCH) {
    const end = Math.min(total, start + USERS_PER_BATCH - 1);
    const reached: number[] = [];
    for (let id = start; id <= end; id++) {
      writeUser(id);
      if (id % tenth === 0 || id === total) reached.push(id);
      if (id % YIELD_EVERY === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    const batch = { users, assignments, cards, certificates };
    users = [];
    assignments = [];
    cards = [];
    certificates = [];
    await writing;
    writing = (async () => {
      await bulkInsert(db, 'users', BATCH_COLUMNS.users, batch.users);
      await bulkInsert(db, 'position_assignments', BATCH_COLUMNS.assignments, batch.assignments);
      await bulkInsert(db, 'cards', BATCH_COLUMNS.cards, batch.cards);
      await bulkInsert(db, 'certificates', BATCH_COLUMNS.certificates, batch.certificates);
      // Reported once written, not merely drawn.
      for (const id of reached) options.onProgress?.(id, total);
    })();
    // Awaited before the next batch or below; until then a failure must not count as unhandled.
    writing.catch(() => undefined);
  }
  await writing;
  await continueIdsAfter(db, ['organisations', 'positions', 'users', 'position_assignments', 'cards']);
}

const BATCH_COLUMNS = {
  users: ['id', 'uuid', 'given_name', 'family_name', 'family_name_norm', 'given_name_norm', 'ni_number', 'email', 'mobile', 'status', 'home_org_id', 'created_at'],
  assignments: ['user_id', 'position_id', 'start_date', 'end_date'],
  cards: ['id', 'uuid', 'serial', 'user_id', 'status', 'algorithm', 'created_at'],
  certificates: ['serial', 'card_id', 'not_before', 'not_after', 'revoked_at', 'revocation_reason'],
} as const;
