import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { engineOf, openDatabase, schemaVersion, type Db } from '../../../../src-service/store/database.js';
import { LATEST_SCHEMA, SchemaTooNewError } from '../../../../src-service/store/migrate.js';
import { inTransaction } from '../../../../src-service/store/transaction.js';
import { DatabaseTargetError, describeTarget, parseDatabaseTarget } from '../../../../src-service/store/database-target.js';
import { tempDbFile, testEngine } from '../../../support/service-fixtures.js';

// The store on the engine this run tests (SQLite in `unit`, PostgreSQL in `service-postgres`):
// migrations, the refusal of a database from a newer version, and the one-writer rule that
// every read-then-write in the service relies on, across two stores on one database (two
// service instances).

const opened: Db[] = [];
async function open(target: string): Promise<Db> {
  const db = await openDatabase(target);
  opened.push(db);
  return db;
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.destroy()));
});

describe(`the store on ${testEngine()}`, () => {
  it('rule: a new database is migrated to the newest schema at open, and opening it again changes nothing', async () => {
    const target = tempDbFile('cis-store-');
    const db = await open(target);
    expect(engineOf(db)).toBe(testEngine());
    expect(await schemaVersion(db)).toBe(LATEST_SCHEMA);
    const applied = await db.selectFrom('schema_migrations').select('version').orderBy('version').execute();
    const again = await open(target);
    expect(await again.selectFrom('schema_migrations').select('version').orderBy('version').execute()).toEqual(applied);
  });

  it('rule: several instances opening one new database at the same moment all start on the newest schema (one migrates, the others wait for it)', async () => {
    const target = tempDbFile('cis-store-');
    const stores = await Promise.all(Array.from({ length: 6 }, () => open(target)));
    for (const db of stores) expect(await schemaVersion(db)).toBe(LATEST_SCHEMA);
    const versions = await stores[0]!.selectFrom('schema_migrations').select('version').execute();
    expect(new Set(versions.map((v) => v.version)).size).toBe(versions.length);
  });

  it('rule: a database migrated by a newer version of the service is refused, in words that say what to do, and left as it was', async () => {
    const target = tempDbFile('cis-store-');
    const db = await open(target);
    await db.insertInto('schema_migrations').values({ version: LATEST_SCHEMA + 5, name: 'from the future', applied_at: new Date().toISOString() }).execute();
    const err = await openDatabase(target).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchemaTooNewError);
    expect((err as Error).message).toMatch(/newer version of the identity service/);
    expect((err as Error).message).toContain(`schema ${LATEST_SCHEMA + 5}`);
    expect(await schemaVersion(db)).toBe(LATEST_SCHEMA + 5);
  });

  it('rule: the audit log refuses UPDATE and DELETE on this engine too', async () => {
    const db = await open(tempDbFile('cis-store-'));
    await db.insertInto('audit_log').values({ seq: 1, at: 'x', actor: null, action: 'a', subject: null, workstation_id: null, details: '{}', prev_hash: 'p', hash: 'h' }).execute();
    await expect(db.updateTable('audit_log').set({ action: 'b' }).execute()).rejects.toThrow(/append-only/);
    await expect(db.deleteFrom('audit_log').execute()).rejects.toThrow(/append-only/);
    expect((await db.selectFrom('audit_log').select('action').execute()).map((r) => r.action)).toEqual(['a']);
  });

  it('rule: read-then-write transactions from two stores on one database never lose an update (one writer at a time)', async () => {
    const target = tempDbFile('cis-store-');
    const [one, two] = [await open(target), await open(target)];
    await one.insertInto('service_secrets').values({ name: 'counter', value: Buffer.from('0') }).execute();
    const increment = (db: Db) =>
      inTransaction(db, async (trx) => {
        const row = await trx.selectFrom('service_secrets').select('value').where('name', '=', 'counter').executeTakeFirstOrThrow();
        // A pause between the read and the write, where another writer would slip in.
        await new Promise((r) => setTimeout(r, 1));
        await trx.updateTable('service_secrets').set({ value: Buffer.from(String(Number(row.value.toString()) + 1)) }).where('name', '=', 'counter').execute();
      });
    await Promise.all(Array.from({ length: 40 }, (_, i) => increment(i % 2 === 0 ? one : two)));
    const final = await one.selectFrom('service_secrets').select('value').where('name', '=', 'counter').executeTakeFirstOrThrow();
    expect(final.value.toString()).toBe('40');
  });

  it('rule: a transaction that fails is rolled back whole', async () => {
    const db = await open(tempDbFile('cis-store-'));
    const err = await inTransaction(db, async (trx) => {
      await trx.insertInto('service_secrets').values({ name: 'half', value: Buffer.from('1') }).execute();
      throw new Error('stop here');
    }).catch((e: unknown) => e);
    expect((err as Error).message).toBe('stop here');
    expect(await db.selectFrom('service_secrets').select('name').where('name', '=', 'half').execute()).toEqual([]);
  });

  it('rule: a transaction another one made fail (a serialization failure, a deadlock, a busy file) is run again; any other failure is not', async () => {
    const db = await open(tempDbFile('cis-store-'));
    let attempts = 0;
    const result = await inTransaction(db, async (trx) => {
      attempts++;
      await sql`SELECT 1`.execute(trx);
      if (attempts < 3) throw Object.assign(new Error('could not serialize access'), { code: testEngine() === 'postgres' ? '40001' : 'SQLITE_BUSY' });
      return 'done';
    });
    expect(result).toBe('done');
    expect(attempts).toBe(3);
    let once = 0;
    await expect(
      inTransaction(db, async () => {
        once++;
        throw Object.assign(new Error('duplicate key'), { code: '23505' });
      }),
    ).rejects.toThrow('duplicate key');
    expect(once).toBe(1);
  });
});

describe('where the data lives', () => {
  it('rule: a file path is SQLite, a postgres:// URL is PostgreSQL, and the description never shows the password', () => {
    expect(parseDatabaseTarget('/var/lib/cis/service.sqlite')).toEqual({ engine: 'sqlite', file: '/var/lib/cis/service.sqlite' });
    const pg = parseDatabaseTarget('postgres://cis:s3cret-pass@db.example:5432/care?schema=north', { tls: 'verify-full', poolSize: 20 });
    expect(pg).toMatchObject({ engine: 'postgres', schema: 'north', tls: 'verify-full', poolSize: 20 });
    expect(describeTarget(pg)).toBe('PostgreSQL db.example:5432/care (schema north), TLS verify-full');
    expect(describeTarget(pg)).not.toContain('s3cret');
  });

  it('rule: a malformed URL, an odd schema name or TLS set in the URL is refused without repeating the URL', () => {
    for (const bad of ['postgres://cis:s3cret@[bad', 'postgres://cis:s3cret@db/care?schema=Robert%27);DROP', 'postgres://cis:s3cret@db/care?sslmode=disable']) {
      const err = (() => {
        try {
          parseDatabaseTarget(bad);
          return undefined;
        } catch (e) {
          return e as Error;
        }
      })();
      expect(err).toBeInstanceOf(DatabaseTargetError);
      expect(err?.message).not.toContain('s3cret');
    }
  });
});
