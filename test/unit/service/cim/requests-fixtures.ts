import { expect } from 'vitest';
import { actor, addUser } from '../../../support/service-fixtures.js';
import { NOW, uniqueNi, type Harness } from './cim-harness.js';

// Requests of each kind, made as the service makes them, for the Requests tests. (Not a test
// file: vitest only collects *.test.ts.)

export const userAt = (h: Harness, orgId: number, family = 'User') => addUser(h.db, { given: 'Target', family, homeOrgId: orgId, ni: uniqueNi(), email: 'target@nhs.net' });

/** A sponsor at `orgId` asks for a change of a new user's family name; returns the request id and the user. */
export async function detailChangeRequestAt(h: Harness, orgId: number): Promise<{ id: number; user: { id: number; uuid: string } }> {
  const sponsor = await actor(h.db, orgId, ['S'], 'Sponsor');
  const user = await userAt(h, orgId);
  const res = await h.call('PATCH', `/v1/users/${user.uuid}/details`, { token: sponsor.token, json: { familyName: 'Married-Name', email: 'new.address@nhs.net' } });
  expect(res.status).toBe(202);
  return { id: res.body.requestId as number, user };
}

/** A sponsor's pending request to close a new user's profile at `orgId`. */
export async function closeRequestAt(h: Harness, orgId: number): Promise<{ id: number; user: { id: number; uuid: string } }> {
  const sponsor = await actor(h.db, orgId, ['S'], 'Sponsor');
  const user = await userAt(h, orgId);
  const { id } = await h.db
    .insertInto('profile_status_requests')
    .values({ user_id: user.id, action: 'close', reason: 'Left the trust', requested_by: sponsor.userId, requested_at: NOW.toISOString() })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, user };
}

let esrCounter = 0;
/** A fresh ESR id no other record in this process has. */
const uniqueEsrId = (): string => `ESR-${process.pid}-${++esrCounter}`;

export const createRecord = (odsCode: string, over: Record<string, unknown> = {}) => ({
  esrId: uniqueEsrId(),
  kind: 'create',
  givenName: 'Nadia',
  familyName: 'Rahman',
  dateOfBirth: '1988-03-14',
  niNumber: uniqueNi(),
  email: 'nadia.rahman@nhs.net',
  odsCode,
  positionTitle: 'Staff Nurse',
  ...over,
});

/** An RA manager at `orgId` imports `records` (JSON); returns the manager's token. */
export async function importAt(h: Harness, orgId: number, records: unknown[]): Promise<string> {
  const ram = await actor(h.db, orgId, ['RAM'], 'Importer');
  const res = await h.call('POST', '/v1/esr-requests/import', { token: ram.token, json: { format: 'json', content: JSON.stringify(records) } });
  expect(res.status).toBe(200);
  return ram.token;
}

/** The id of the stored ESR request with `esrId`. */
export async function esrRequestId(h: Harness, esrId: string): Promise<number> {
  return (await h.db.selectFrom('esr_requests').select('id').where('esr_id', '=', esrId).executeTakeFirstOrThrow()).id;
}

/** A pending ESR create request for a new person at the organisation `odsCode` (imported by an RA manager at `orgId`). */
export async function esrCreateAt(h: Harness, orgId: number, odsCode: string, over: Record<string, unknown> = {}): Promise<{ id: number; record: ReturnType<typeof createRecord> }> {
  const record = createRecord(odsCode, over);
  await importAt(h, orgId, [record]);
  return { id: await esrRequestId(h, record.esrId), record };
}
