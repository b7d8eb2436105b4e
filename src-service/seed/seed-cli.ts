import { parseArgs } from 'node:util';
import { commandLineDatabase } from '../config.js';
import { todayUtc } from './calendar.js';
import { SeedError } from './seed-error.js';
import { DatabaseTargetError } from '../store/database-target.js';
import { seedDatabase, type SeedFileReport } from './seed-file.js';

// `npm run service -- seed --users <n> [--seed <k>] [--db <file or postgres URL>] [--personas] [--as-of YYYY-MM-DD]`
// --db is a SQLite file or a postgres:// URL (store/database-target.ts); without it, the
// service's configured database. Progress goes to stderr, the summary line to stdout.

export const SEED_USAGE = 'npm run service -- seed --users <n> [--seed <k>] [--db <file or postgres://URL>] [--personas] [--as-of YYYY-MM-DD]';

const whole = (text: string | undefined, name: string, max: number): number => {
  const n = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || !Number.isSafeInteger(n) || n > max) throw new SeedError(`--${name} must be a whole number from 0 to ${max}`);
  return n;
};

const mb = (bytes: number): string => `${(bytes / 1_048_576).toFixed(1)} MB`;

function summaryLine(r: SeedFileReport): string {
  return (
    `seeded ${r.database}: ${r.organisations} organisations, ${r.positions} positions, ${r.users} users, ` +
    `${r.assignments} position assignments, ${r.cards} cards, ${r.certificates} certificates, ${r.personas} training personas ` +
    `in ${r.seconds.toFixed(1)} s; database ${mb(r.bytes)}${r.bulk ? '' : ' (existing file, journalled)'}`
  );
}

const OPTIONS = {
  users: { type: 'string' },
  seed: { type: 'string', default: '1' },
  db: { type: 'string' },
  personas: { type: 'boolean', default: false },
  'as-of': { type: 'string' },
} as const;

function options(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, strict: true }).values;
  } catch (err) {
    // "--users -5" and the like: node reports them as its own errors; here they are usage errors.
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS_')) throw new SeedError(`${(err as Error).message}\nusage: ${SEED_USAGE}`);
    throw err;
  }
}

export async function seedCommand(args: string[]): Promise<number> {
  let file = 'the database file';
  try {
    const values = options(args);
    if (values.users === undefined) throw new SeedError(`--users is required\nusage: ${SEED_USAGE}`);
    const users = whole(values.users, 'users', 10_000_000);
    const seed = whole(values.seed, 'seed', 0xffffffff);
    const target = commandLineDatabase(values.db);
    if (target.engine === 'sqlite') file = target.file;
    const started = performance.now();
    const report = await seedDatabase(target, {
      users,
      seed,
      asOf: values['as-of'] ?? todayUtc(),
      personas: values.personas,
      onProgress: (done, total) =>
        console.error(`seed: ${done.toLocaleString('en-GB')} / ${total.toLocaleString('en-GB')} users (${Math.round((100 * done) / total)}%) ${((performance.now() - started) / 1000).toFixed(1)} s`),
    });
    console.log(summaryLine(report));
    return 0;
  } catch (err) {
    if (err instanceof SeedError || err instanceof DatabaseTargetError) {
      console.error(err.message);
      return 2;
    }
    if ((err as { code?: string }).code === 'SQLITE_NOTADB') {
      console.error(`${file} is not a SQLite database; nothing was written`);
      return 2;
    }
    throw err;
  }
}
