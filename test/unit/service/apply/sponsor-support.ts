import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { readOutbox } from '../../../../src-service/notify/outbox.js';
import type { OutboxMessage } from '../../../../src-shared/api/service-unlock.js';
import { actor, addPosition } from '../../../support/service-fixtures.js';
import { uniqueNi, type Harness } from '../cim/cim-harness.js';

// What the sponsor-side tests share: a sponsor whose query address is already confirmed, a
// valid application body, and the outbox's messages since a mark. (Not a test file.)

export interface Sponsor {
  readonly userId: number;
  readonly uuid: string;
  readonly token: string;
  readonly orgId: number;
}

export const QUERY_EMAIL = 'apply.queries@example.nhs.net';

/** A user working at `orgId` with `roles`, their query email for applicants already set. */
export async function sponsorAt(h: Harness, orgId: number, roles: RoleCode[] = ['S'], queryEmail: string | null = QUERY_EMAIL): Promise<Sponsor> {
  const a = await actor(h.db, orgId, roles);
  if (queryEmail) await h.db.insertInto('apply_settings').values({ user_id: a.userId, query_email: queryEmail, changed_at: 0 }).execute();
  return { userId: a.userId, uuid: a.uuid, token: a.token, orgId };
}

/** An open position at `orgId` an applicant may be given. */
export const positionAt = (h: Harness, orgId: number, title = 'Staff Nurse'): Promise<number> => addPosition(h.db, { orgId, title });

let people = 0;
/** A new applicant nobody else has applied for. */
export function applicant(overrides: Record<string, unknown> = {}) {
  people++;
  return {
    givenName: 'Jordan',
    familyName: `Newstarter${people}`,
    dateOfBirth: '1992-03-04',
    niNumber: uniqueNi(),
    email: `jordan.newstarter${people}@example.nhs.net`,
    mobile: '07700900123',
    ...overrides,
  };
}

export function applicationBody(positionId: number, applicantOverrides: Record<string, unknown> = {}) {
  return { applicant: applicant(applicantOverrides), applicantProvidesAddress: true, access: { kind: 'position', positionId }, notes: '' };
}

/** Messages written to the outbox after `since` (an id), oldest first. */
export async function outboxSince(h: Harness, since: number): Promise<OutboxMessage[]> {
  return (await readOutbox(h.db, 10_000)).filter((m) => m.id > since).reverse();
}

export async function outboxMark(h: Harness): Promise<number> {
  return (await readOutbox(h.db, 1))[0]?.id ?? 0;
}

/** The token in an applicant link in `text`. */
export function linkToken(text: string): string | undefined {
  return /\/apply\/link\/([A-Za-z0-9_-]+)/.exec(text)?.[1];
}
