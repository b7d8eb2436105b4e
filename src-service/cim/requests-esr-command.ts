import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parseArgs } from 'node:util';
import { auditHead, useAuditKey } from '../audit/audit-log.js';
import { commandLineDatabase, loadConfig } from '../config.js';
import { loadOrCreateMachineSecret } from '../crypto/machine-secret.js';
import { machineSecretFileFor } from '../crypto/machine-secret-file.js';
import { ServiceError } from '../service-error.js';
import { openDatabase } from '../store/database.js';
import { importEsrFile } from './requests-esr-import.js';
import type { EsrFormat } from './requests-esr-format.js';

// `npm run service -- esr-import --file <f>`: the operator loads an ESR file (docs/esr-feed.md)
// into the Requests queue, as the API's import does but without a session (so without a scope:
// the operator runs the whole service). The file's format comes from its extension (.json,
// .csv) unless --format says. Exit status: 0 imported (duplicates ignored), 1 the file was
// refused and nothing stored, 2 bad usage.

export const ESR_IMPORT_USAGE =
  'npm run service -- esr-import --file <records.json or .csv> [--format json|csv] [--db <file or postgres URL>] [--secret-file <file>]';

const OPTIONS = { file: { type: 'string' }, format: { type: 'string' }, db: { type: 'string' }, 'secret-file': { type: 'string' } } as const;

function formatOf(file: string, given: string | undefined): EsrFormat | undefined {
  const format = given ?? extname(file).slice(1).toLowerCase();
  return format === 'json' || format === 'csv' ? format : undefined;
}

export async function esrImportCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: OPTIONS, strict: true });
  const format = values.file ? formatOf(values.file, values.format) : undefined;
  if (!values.file || !format) {
    console.error(`usage: ${ESR_IMPORT_USAGE}\n(the format is json or csv: name it with --format when the file's extension does not say)`);
    return 2;
  }
  let content: string;
  try {
    content = readFileSync(values.file, 'utf8');
  } catch {
    console.error(`${values.file} cannot be read.`);
    return 2;
  }
  const config = loadConfig({ env: process.env });
  const place = values.db ? { dbFile: values.db, secretFile: values['secret-file'] } : { ...config, ...(values['secret-file'] ? { secretFile: values['secret-file'] } : {}) };
  const secretFile = machineSecretFileFor(place);
  const db = await openDatabase(commandLineDatabase(values.db));
  try {
    // Entries this command writes join the service's keyed audit chain (keyed here, as a first
    // start of the service would, when the secret file has no key yet).
    const entries = (await auditHead(db)).seq;
    useAuditKey(db, loadOrCreateMachineSecret(secretFile, () => entries).audit);
    const result = await importEsrFile(db, new Date(), { commandLine: `esr-import ${values.file}` }, format, content);
    const duplicates = result.duplicates === 0 ? 'no duplicates' : `${result.duplicates} already imported and ignored (${result.duplicateEsrIds.join(', ')})`;
    console.log(`imported ${result.imported} ESR request${result.imported === 1 ? '' : 's'}; ${duplicates}`);
    return 0;
  } catch (err) {
    if (!(err instanceof ServiceError)) throw err;
    // The message names the first problems; every one follows, a line each.
    console.error(err.message);
    for (const field of err.fields ?? []) console.error(`  ${field.path}: ${field.message}`);
    return 1;
  } finally {
    await db.destroy();
  }
}
