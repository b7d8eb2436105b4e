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

const COLUMNS = 'id, uuid, given_name, family_name, ni_number, email, mobile, status, home_org_id';

export function userById(db: Db, id: number): UserRow | undefined {
  return db.prepare(`SELECT ${COLUMNS} FROM users WHERE id = ?`).get(id) as UserRow | undefined;
}

/** The user with this UUID, or a 404. */
export function userByUuidOr404(db: Db, uuid: string): UserRow {
  const row = db.prepare(`SELECT ${COLUMNS} FROM users WHERE uuid = ?`).get(uuid.toLowerCase()) as UserRow | undefined;
  if (!row) throw notFound('That user');
  return row;
}
