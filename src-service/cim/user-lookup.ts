import type { Db } from '../store/database.js';
import { notFound } from '../service-error.js';

// A user row as the CIM handlers need it, found by the UUID the API speaks.

export interface UserRow {
  id: number;
  uuid: string;
  given_name: string;
  family_name: string;
  ni_number: string | null;
  email: string | null;
  mobile: string | null;
  status: 'open' | 'closed';
  home_org_id: number | null;
}

const COLUMNS = ['id', 'uuid', 'given_name', 'family_name', 'ni_number', 'email', 'mobile', 'status', 'home_org_id'] as const;

export async function userById(db: Db, id: number): Promise<UserRow | undefined> {
  return db.selectFrom('users').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

/** The user with this UUID, or a 404. */
export async function userByUuidOr404(db: Db, uuid: string): Promise<UserRow> {
  const row = await db.selectFrom('users').select(COLUMNS).where('uuid', '=', uuid.toLowerCase()).executeTakeFirst();
  if (!row) throw notFound('That user');
  return row;
}
