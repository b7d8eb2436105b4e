import { sql } from 'kysely';
import { engineOf, type Db } from '../../../../src-service/store/database.js';

// What someone with write access to the database can do to the audit log behind the service's
// back: drop the triggers that keep it append-only (each engine names them its own way), then
// edit or delete entries. The audit tests check that verification still finds the change.

type Trigger = 'audit_log_no_update' | 'audit_log_no_delete';

/** Drops one of the audit log's append-only triggers. */
export async function dropTrigger(db: Db, trigger: Trigger): Promise<void> {
  await sql.raw(engineOf(db) === 'postgres' ? `DROP TRIGGER ${trigger} ON audit_log` : `DROP TRIGGER ${trigger}`).execute(db);
}

/** Drops both. */
export async function unguard(db: Db): Promise<void> {
  await dropTrigger(db, 'audit_log_no_update');
  await dropTrigger(db, 'audit_log_no_delete');
}
