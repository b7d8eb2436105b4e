import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { addApplication, type ApplicationFields } from '../../../support/apply-fixtures.js';
import { actor } from '../../../support/service-fixtures.js';
import { NOW, type Harness } from '../cim/cim-harness.js';

// What the read tests of Apply for Care ID share: staff signed in at an organisation, and
// applications dated relative to the harness clock. (Not a test file: vitest only collects *.test.ts.)

export const MINUTE = 60_000;
export const DAY = 24 * 60 * MINUTE;

export type Staff = Awaited<ReturnType<typeof actor>>;

export const staffAt = (h: Harness, orgId: number, roles: RoleCode[], name?: string): Promise<Staff> => actor(h.db, orgId, roles, name);

/** An application raised by `by` at `orgId`, last active `ago` ms before the harness's NOW. */
export const applicationBy = (h: Harness, by: Staff, orgId: number, ago: number, fields: ApplicationFields = {}): Promise<{ id: number; reference: string }> =>
  addApplication(h.db, { orgId, raisedBy: by.userId, at: new Date(NOW.getTime() - ago), ...fields });

/** The dashboard as `who` sees it. */
export async function dashboard(h: Harness, who: Staff, tab: string, page = 1) {
  const res = await h.call('GET', `/v1/apply/dashboard?tab=${tab}&page=${page}`, { token: who.token });
  if (res.status !== 200) throw new Error(`dashboard ${tab}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as {
    counts: Record<string, number>;
    tab: string;
    total: number;
    pageSize: number;
    applications: { reference: string; tab: string; raisedByMe: boolean; lastActivityAt: string; rejectionReason: string | null }[];
  };
}

/** The references a search finds, as `who`. */
export async function found(h: Harness, who: Staff, query: string, mine = false): Promise<string[]> {
  const res = await h.call('GET', `/v1/apply/applications?query=${encodeURIComponent(query)}${mine ? '&mine=true' : ''}`, { token: who.token });
  if (res.status !== 200) throw new Error(`search ${query}: ${res.status} ${JSON.stringify(res.body)}`);
  return (res.body.applications as { reference: string }[]).map((a) => a.reference).sort();
}
