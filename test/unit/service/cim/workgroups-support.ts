import { expect } from 'vitest';
import { actor, addUser } from '../../../support/service-fixtures.js';
import { uniqueNi, type Harness } from './cim-harness.js';

// Workgroup scenarios the workgroup tests share: a workgroup made through the API, a user to
// assign it to, an assignment made through the API. (Not a test file.)

export async function makeWorkgroup(h: Harness, token: string, organisationCode: string, name = 'Ward 7 nurses'): Promise<number> {
  const res = await h.call('POST', '/v1/workgroups', { token, json: { organisationCode, name, description: `People who work as ${name}` } });
  expect(res.status).toBe(201);
  return res.body.id as number;
}

export const personAt = (h: Harness, orgId: number, family = 'Member') => addUser(h.db, { given: 'Wendy', family, homeOrgId: orgId, ni: uniqueNi() });

export async function makeAssignment(h: Harness, token: string, workgroupId: number, userUuid: string, startDate = '2025-06-15', endDate: string | null = null): Promise<number> {
  const res = await h.call('POST', `/v1/workgroups/${workgroupId}/assignments`, { token, json: { userUuid, startDate, endDate } });
  expect(res.status).toBe(201);
  return res.body.id as number;
}

/** A RAM at `orgId`: the role every workgroup scenario is set up with. */
export const manager = (h: Harness, orgId: number) => actor(h.db, orgId, ['RAM'], 'Manager');
