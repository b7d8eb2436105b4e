import { normaliseName } from '../cim/normalise-name.js';
import { DIRECTORATES, FAMILY_NAMES, PLACE_ENDS, PLACE_STARTS, REGION_NAMES, SAINTS, STREETS } from './names.js';
import type { Random } from './prng.js';

// The shape of the synthetic national directory, planned in memory before anything is written:
// a national root, the seven regions, integrated care boards under them, and under each board
// its NHS trusts (each with sites, each site with clinical directorates), GP practices and
// community pharmacies. The number of boards, trusts, practices and pharmacies grows with the
// number of users so that staff per workplace stays near the national picture at any size.
// Codes follow the ODS shapes (trust RXX, site RXX01, practice A81001, pharmacy FA1B2) but are
// drawn at random: any resemblance to a real organisation's code is chance.

type OrgKind = 'trust' | 'gp-practice' | 'pharmacy' | 'site' | 'directorate' | 'other';

export interface PlannedOrg {
  readonly id: number;
  readonly code: string;
  readonly name: string;
  readonly nameNorm: string;
  readonly kind: OrgKind;
  readonly parentId: number | null;
  readonly path: string;
}

/** A workplace users belong to: a directorate, a trust's corporate services, a practice or a pharmacy. */
export interface Workplace {
  readonly org: PlannedOrg;
  readonly kind: 'directorate' | 'trust-corporate' | 'gp-practice' | 'pharmacy';
  /** Index of the integrated care board it sits under: second posts are found nearby. */
  readonly board: number;
  /** The trust it belongs to, for email domains (null for practices and pharmacies). */
  readonly trust: PlannedOrg | null;
  /** Relative size: how many of the directory's users work here. */
  readonly weight: number;
}

export interface PlannedTree {
  readonly orgs: PlannedOrg[];
  readonly workplaces: Workplace[];
  readonly boards: number;
}

/** Shares of the workforce: most staff work in trusts, then general practice, then pharmacy. */
const TRUST_SHARE = 0.78;
const GP_SHARE = 0.15;
const PHARMACY_SHARE = 0.07;
/** Of a trust's staff, the part in corporate services (records, HR, IT, the RA team). */
const CORPORATE_SHARE = 0.08;

interface TreeSize {
  readonly regions: number;
  readonly boards: number;
  readonly trusts: number;
  readonly practices: number;
  readonly pharmacies: number;
}

const clamp = (n: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, n));

/** Organisation counts for `users` staff: at 1.5 million, close to England's 42 boards and ~220 trusts. */
function treeSize(users: number): TreeSize {
  const regions = REGION_NAMES.length;
  const boards = clamp(Math.round(users / 36_000), regions, 42);
  return {
    regions,
    boards,
    trusts: clamp(Math.round((users * TRUST_SHARE) / 5_300), boards, 220),
    practices: Math.max(boards, Math.round((users * GP_SHARE) / 35)),
    pharmacies: Math.max(boards, Math.round((users * PHARMACY_SHARE) / 10)),
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const PRACTICE_LETTERS = 'ABCDEFGHJKLMNP';

const charOf = (random: Random, alphabet: string): string => alphabet[random.int(alphabet.length)] as string;

/** `count` distinct items in random order (a partial Fisher-Yates shuffle). */
function sample<T>(random: Random, items: readonly T[], count: number): T[] {
  const copy = [...items];
  for (let i = 0; i < count; i++) {
    const j = i + random.int(copy.length - i);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, count);
}

function uniqueCode(used: Set<string>, make: () => string): string {
  // Every code space here is several times larger than what is drawn from it (1,296 trust codes
  // for at most 220 trusts), so a free code turns up within a few tries; running out means a
  // code shape or a count was changed wrongly.
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const code = make();
    if (!used.has(code)) {
      used.add(code);
      return code;
    }
  }
  throw new Error(`no free organisation code left in the shape of ${make()}`);
}

function placeName(random: Random): string {
  return random.pick(PLACE_STARTS) + random.pick(PLACE_ENDS);
}

function trustName(random: Random): string {
  const place = placeName(random);
  switch (random.int(5)) {
    case 0:
      return `${place} Hospitals NHS Foundation Trust`;
    case 1:
      return `${place} and ${placeName(random)} NHS Trust`;
    case 2:
      return `${place} Community Healthcare NHS Trust`;
    case 3:
      return `${place} Mental Health NHS Foundation Trust`;
    default:
      return `${place} Teaching Hospitals NHS Trust`;
  }
}

function siteName(random: Random): string {
  switch (random.int(4)) {
    case 0:
      return `${placeName(random)} General Hospital`;
    case 1:
      return `${placeName(random)} Community Hospital`;
    case 2:
      return `St ${random.pick(SAINTS)}'s Hospital, ${placeName(random)}`;
    default:
      return `${placeName(random)} Royal Infirmary`;
  }
}

function practiceName(random: Random): string {
  switch (random.int(5)) {
    case 0:
      return `${placeName(random)} Medical Centre`;
    case 1:
      return `${placeName(random)} Surgery`;
    case 2:
      return `${random.pick(STREETS)} Surgery, ${placeName(random)}`;
    case 3:
      return `The ${placeName(random)} Practice`;
    default:
      return `${placeName(random)} Health Centre`;
  }
}

function pharmacyName(random: Random): string {
  switch (random.int(3)) {
    case 0:
      return `${placeName(random)} Pharmacy`;
    case 1:
      return `${random.pick(FAMILY_NAMES)} Chemists, ${placeName(random)}`;
    default:
      return `${random.pick(STREETS)} Pharmacy, ${placeName(random)}`;
  }
}

/** Plans the whole tree. Ids are handed out from `firstId` in tree order; `reserved` codes are skipped. */
export function planTree(random: Random, users: number, firstId: number, reserved: ReadonlySet<string>): PlannedTree {
  const size = treeSize(users);
  const used = new Set<string>(reserved);
  const orgs: PlannedOrg[] = [];
  const workplaces: Workplace[] = [];
  let nextId = firstId;
  const add = (code: string, name: string, kind: OrgKind, parent: PlannedOrg | null): PlannedOrg => {
    const id = nextId++;
    const org: PlannedOrg = { id, code, name, nameNorm: normaliseName(name), kind, parentId: parent?.id ?? null, path: `${parent?.path ?? '/'}${id}/` };
    orgs.push(org);
    return org;
  };

  const root = add(uniqueCode(used, () => 'X24'), 'NHS England (synthetic national directory)', 'other', null);
  const regions = REGION_NAMES.map((name, i) => add(uniqueCode(used, () => `Y${60 + i}`), `NHS England - ${name}`, 'other', root));
  const boards = Array.from({ length: size.boards }, (_, i) => {
    const name = `NHS ${placeName(random)} and ${placeName(random)} Integrated Care Board`;
    return add(uniqueCode(used, () => `Q${charOf(random, ALNUM)}${charOf(random, ALNUM)}`), name, 'other', regions[i % regions.length] as PlannedOrg);
  });

  // Every board has at least one trust; the rest are spread at random.
  const trustBoards = Array.from({ length: size.trusts }, (_, i) => (i < size.boards ? i : random.int(size.boards)));
  const trustStaff = (users * TRUST_SHARE) / size.trusts;
  for (const board of trustBoards) {
    const trustCode = uniqueCode(used, () => `R${charOf(random, ALNUM)}${charOf(random, ALNUM)}`);
    const trust = add(trustCode, trustName(random), 'trust', boards[board] as PlannedOrg);
    const scale = 0.5 + random.float();
    workplaces.push({ org: trust, kind: 'trust-corporate', board, trust, weight: trustStaff * scale * CORPORATE_SHARE });
    const sites = random.between(2, 5);
    const directorates: PlannedOrg[] = [];
    for (let s = 1; s <= sites; s++) {
      const siteCode = `${trustCode}${String(s).padStart(2, '0')}`;
      used.add(siteCode);
      const site = add(siteCode, siteName(random), 'site', trust);
      const names = sample(random, DIRECTORATES, random.between(2, 6));
      names.forEach((d, k) => {
        const code = `${siteCode}${ALNUM[k]}`;
        used.add(code);
        directorates.push(add(code, `${d} - ${site.name}`, 'directorate', site));
      });
    }
    const perDirectorate = (trustStaff * scale * (1 - CORPORATE_SHARE)) / directorates.length;
    for (const org of directorates) workplaces.push({ org, kind: 'directorate', board, trust, weight: perDirectorate * (0.5 + random.float()) });
  }

  const practiceStaff = (users * GP_SHARE) / size.practices;
  for (let i = 0; i < size.practices; i++) {
    const board = i < size.boards ? i : random.int(size.boards);
    const code = uniqueCode(used, () => `${charOf(random, PRACTICE_LETTERS)}${String(random.int(100_000)).padStart(5, '0')}`);
    const org = add(code, practiceName(random), 'gp-practice', boards[board] as PlannedOrg);
    workplaces.push({ org, kind: 'gp-practice', board, trust: null, weight: practiceStaff * (0.4 + 1.2 * random.float()) });
  }
  const pharmacyStaff = (users * PHARMACY_SHARE) / size.pharmacies;
  for (let i = 0; i < size.pharmacies; i++) {
    const board = i < size.boards ? i : random.int(size.boards);
    const code = uniqueCode(used, () => `F${charOf(random, ALNUM)}${charOf(random, ALNUM)}${charOf(random, ALNUM)}${charOf(random, ALNUM)}`);
    const org = add(code, pharmacyName(random), 'pharmacy', boards[board] as PlannedOrg);
    workplaces.push({ org, kind: 'pharmacy', board, trust: null, weight: pharmacyStaff * (0.4 + 1.2 * random.float()) });
  }
  return { orgs, workplaces, boards: size.boards };
}
