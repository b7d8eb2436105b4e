import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Activity, PERMISSIONS, RoleCode, type Grant } from '../../../../src-shared/domain/roles.js';
import { authorize } from '../../../../src-service/auth/authorize.js';
import { resolveSession, type SessionContext } from '../../../../src-service/auth/session-store.js';
import { ServiceError } from '../../../../src-service/service-error.js';
import { openDatabase, type Db } from '../../../../src-service/store/database.js';
import { actor, addOrg, tempDbFile, TEST_KEY, testEngine } from '../../../support/service-fixtures.js';

// The permission matrix through the service's one check, authorize(). The expected table below
// is written out by hand from domain.md (seed 004), independently of src-shared/domain/roles.ts:
// a wrong edit to the matrix makes these cases fail rather than follow it.

type Expected = Grant | 'everyone' | null;
type RoleOrNone = RoleCode | 'none';

// domain.md, "Who may do what": * = by request, ** = assignable positions only, all = anyone.
const BY_HAND: Record<Activity, string> = {
  'find-user': 'all',
  'find-organisation': 'all',
  'view-profile': 'all',
  'create-user': 'RAM RAA(A) RAA IDC',
  'change-user-details': 'RAM RAA(A) RAA IDC S*',
  'change-own-contact': 'all',
  'close-reopen-profile': 'RAM RAA(A) RAA S*',
  'issue-smartcard': 'RAM RAA(A) RAA',
  'unlock-smartcard': 'RAM RAA(A) RAA S LSA',
  'repair-smartcard': 'RAM RAA(A) RAA',
  'clear-smartcard': 'RAM RAA(A) RAA',
  'cancel-smartcard': 'RAM RAA(A) RAA',
  'renew-smartcard-due': 'RAM RAA(A) RAA S LSA',
  'renew-smartcard-expired': 'RAM RAA(A) RAA',
  'self-register-authenticator': 'all',
  'manage-authenticators': 'RAM RAA(A) RAA',
  // iPads for others: RAM and RAA(A) only (seed 000, the newer document).
  'manage-ipad-authenticators': 'RAM RAA(A)',
  // "Add access positions": any user asks for positions for themselves (CIM tasks).
  'request-own-positions': 'all',
  'assign-position': 'RAM RAA(A) RAA S**',
  'view-ended-assignments': 'RAM RAA(A) RAA S',
  'manage-multiple-assignments': 'RAM RAA(A)',
  'manage-positions': 'RAM RAA(A)',
  'view-positions': 'RAM RAA(A) RAA',
  'batch-manage-assignments': 'RAM RAA(A)',
  'manage-workgroups': 'RAM RAA(A)',
  'manage-requests': 'RAM RAA(A) RAA S',
  'view-reports': 'RAM RAA(A) RAA S IDC',
  // Apply for Care ID (domain.md): sponsors raise applications (and RA staff may); those who may
  // create a profile check identities and approve.
  'apply-for-care-id': 'RAM RAA(A) RAA S',
  'check-applications': 'RAM RAA(A) RAA IDC',
};

function expectedGrant(activity: Activity, role: RoleOrNone): Expected {
  const entry = BY_HAND[activity];
  if (entry === 'all') return 'everyone';
  if (role === 'none') return null;
  for (const token of entry.split(' ')) {
    const code = token.replace(/\*+$/, '');
    if (code !== role) continue;
    if (token.endsWith('**')) return 'assignable-only';
    if (token.endsWith('*')) return 'by-request';
    return 'direct';
  }
  return null;
}

function refusal(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (err) {
    if (err instanceof ServiceError) return `${err.status} ${err.code}`;
    throw err;
  }
}

const ROLES: RoleOrNone[] = [...RoleCode.options, 'none'];

let db: Db;
let sessions: Record<RoleOrNone, SessionContext>;
let orgs: { region: string; trustA: string; siteA1: string; trustB: string };

const dbFile = tempDbFile('cis-perm-');

beforeAll(async () => {
  db = await openDatabase(dbFile);
  const region = await addOrg(db, { code: 'Y56', name: 'Region', kind: 'other' });
  const trustA = await addOrg(db, { code: 'RXA', name: 'Trust A', parentId: region.id });
  const siteA1 = await addOrg(db, { code: 'RXA01', name: 'Site A1', kind: 'site', parentId: trustA.id });
  const trustB = await addOrg(db, { code: 'RXB', name: 'Trust B', parentId: region.id });
  orgs = { region: region.path, trustA: trustA.path, siteA1: siteA1.path, trustB: trustB.path };
  const entries = [];
  for (const role of ROLES) {
    const a = await actor(db, trustA.id, role === 'none' ? [] : [role]);
    const session = await resolveSession(db, a.token, TEST_KEY.thumbprint);
    if (!session) throw new Error(`no session for ${role}`);
    entries.push([role, session] as const);
  }
  sessions = Object.fromEntries(entries) as Record<RoleOrNone, SessionContext>;
});

afterAll(async () => {
  await db.destroy();
  if (testEngine() === 'sqlite') rmSync(dirname(dbFile), { recursive: true, force: true });
});

describe('the hand-written table covers the matrix', () => {
  it('rule: every activity the service knows has a row in domain.md, and no more', () => {
    expect(Object.keys(BY_HAND).sort()).toEqual([...Activity.options].sort());
    expect(Object.keys(PERMISSIONS).sort()).toEqual([...Activity.options].sort());
  });
});

describe.each(Activity.options)('activity %s', (activity) => {
  // Every activity has both an allowed and a refused case somewhere in its row (the refused one
  // may be by scope only, for activities open to everyone); each role gets the case its cell says.
  it.each(ROLES)('rule: role %s gets exactly the grant domain.md gives', (role) => {
    const expected = expectedGrant(activity, role);
    const session = sessions[role];
    if (expected === null) {
      // Refused even on the session's own organisation: the role lacks the activity.
      expect(refusal(() => authorize(session, activity, { orgPath: orgs.trustA }))).toBe('403 forbidden');
      expect(refusal(() => authorize(session, activity))).toBe('403 forbidden');
    } else {
      expect(authorize(session, activity, { orgPath: orgs.trustA })).toBe(expected);
      expect(authorize(session, activity)).toBe(expected);
    }
  });

  it.each(ROLES.filter((role) => expectedGrant(activity, role) !== null))(
    'rule: for role %s the grant reaches the session organisation and its children, not a sibling or the parent',
    (role) => {
      const session = sessions[role];
      const expected = expectedGrant(activity, role);
      expect(authorize(session, activity, { orgPath: orgs.trustA })).toBe(expected);
      expect(authorize(session, activity, { orgPath: orgs.siteA1 })).toBe(expected);
      expect(refusal(() => authorize(session, activity, { orgPath: orgs.trustB }))).toBe('403 out-of-scope');
      expect(refusal(() => authorize(session, activity, { orgPath: orgs.region }))).toBe('403 out-of-scope');
      // A target with no organisation is in nobody's scope.
      expect(refusal(() => authorize(session, activity, { orgPath: null }))).toBe('403 out-of-scope');
    },
  );
});

describe('grants reported as such', () => {
  it("rule: a sponsor changes another user's details and closes profiles only by request", () => {
    expect(authorize(sessions.S, 'change-user-details', { orgPath: orgs.siteA1 })).toBe('by-request');
    expect(authorize(sessions.S, 'close-reopen-profile', { orgPath: orgs.siteA1 })).toBe('by-request');
  });

  it('rule: a sponsor assigns only assignable positions directly', () => {
    expect(authorize(sessions.S, 'assign-position', { orgPath: orgs.trustA })).toBe('assignable-only');
  });

  it('rule: a session holding several roles gets the strongest grant any of them gives', async () => {
    const trustA = await db.selectFrom('organisations').select('id').where('code', '=', 'RXA').executeTakeFirstOrThrow();
    const a = await actor(db, trustA.id, ['S', 'IDC'], 'Sponsor and ID checker');
    const both = (await resolveSession(db, a.token, TEST_KEY.thumbprint)) as SessionContext;
    expect(authorize(both, 'change-user-details', { orgPath: orgs.trustA })).toBe('direct');
    expect(authorize(both, 'assign-position', { orgPath: orgs.trustA })).toBe('assignable-only');
    expect(authorize(both, 'create-user', { orgPath: orgs.trustA })).toBe('direct');
    expect(refusal(() => authorize(both, 'issue-smartcard', { orgPath: orgs.trustA }))).toBe('403 forbidden');
  });

  it('rule: the role check comes before the scope check (no activity: forbidden, wherever the target is)', () => {
    expect(refusal(() => authorize(sessions.none, 'issue-smartcard', { orgPath: orgs.trustB }))).toBe('403 forbidden');
    expect(refusal(() => authorize(sessions.LSA, 'issue-smartcard', { orgPath: orgs.trustB }))).toBe('403 forbidden');
  });
});
