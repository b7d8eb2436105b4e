import type Database from 'better-sqlite3';
import type { Db } from './database.js';

// Statements prepared once per connection and reused: preparing costs about as much as running
// a small statement, and the hot paths (login, session lookup, audit) run on every request.
// Only fixed SQL text goes through here, never text built from user data.

const statements = new WeakMap<Db, Map<string, Database.Statement>>();

export function prepared(db: Db, sql: string): Database.Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map<string, Database.Statement>()));
  let stmt = cache.get(sql);
  if (!stmt) cache.set(sql, (stmt = db.prepare(sql)));
  return stmt;
}
