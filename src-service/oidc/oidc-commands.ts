import { parseArgs } from 'node:util';
import { CONFIG_FILE_ENV, ConfigError, loadConfig, readClientsFile } from '../config.js';
import { openWithMachineSecret } from '../crypto/machine-secret-file.js';
import type { Db } from '../store/database.js';
import { addClient, ClientMetadataError, listClients, removeClient } from './oidc-clients.js';
import { listSigningKeys, rotateSigningKey } from './oidc-signing-keys.js';

// The operator's commands for sign-in for other apps, on the service's database (either engine)
// with its secret file (the data key seals client secrets and signing keys):
//   oidc-client add <file.json> | list | remove <client_id>
//   oidc-keys rotate | list
// A running service takes a rotated key within a minute; a client added here at its next request.

export const OIDC_USAGE = `npm run service -- oidc-client add <file.json> | list | remove <client_id> [--db <file or postgres URL>] [--secret-file <file>] [--config <file.json>]
  npm run service -- oidc-keys rotate | list [--db <file or postgres URL>] [--secret-file <file>] [--config <file.json>]`;

const OPTIONS = { db: { type: 'string' }, 'secret-file': { type: 'string' }, config: { type: 'string' } } as const;

async function withStore<T>(args: string[], work: (db: Db, dataKey: Buffer, config: ReturnType<typeof loadConfig>, positionals: string[]) => Promise<T>): Promise<T> {
  const { values, positionals } = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  const file = values.config ?? process.env[CONFIG_FILE_ENV];
  const config = loadConfig({
    ...(file ? { file } : {}),
    env: process.env,
    overrides: {
      ...(values.db ? { dbFile: values.db, databaseUrl: undefined } : {}),
      ...(values['secret-file'] ? { secretFile: values['secret-file'] } : {}),
    },
  });
  const { db, secret } = await openWithMachineSecret(config);
  try {
    return await work(db, secret.dataKey, config, positionals);
  } finally {
    await db.destroy();
  }
}

export async function oidcClientCommand(args: string[]): Promise<number> {
  return withStore(args, async (db, dataKey, config, [action, target]) => {
    if (action === 'add' && target) {
      let added = 0;
      for (const metadata of readClientsFile(target)) {
        const client = await addClient(db, dataKey, metadata, config.oidcClients, new Date());
        console.log(`client added: ${client.client_id}${client.client_name ? ` (${client.client_name})` : ''}`);
        added++;
      }
      return added > 0 ? 0 : 2;
    }
    if (action === 'list' && !target) {
      for (const c of config.oidcClients) console.log(`${c.client_id}\t${c.client_name ?? ''}\t(configuration)\t${c.redirect_uris.join(' ')}`);
      for (const c of await listClients(db)) console.log(`${c.clientId}\t${c.name ?? ''}\tadded ${c.createdAt}\t${c.redirectUris.join(' ')}`);
      return 0;
    }
    if (action === 'remove' && target) {
      if (await removeClient(db, target)) {
        console.log(`client removed: ${target}`);
        return 0;
      }
      console.error(config.oidcClients.some((c) => c.client_id === target) ? `${target} is in the service configuration: remove it there.` : `No client ${target} was added with oidc-client add.`);
      return 1;
    }
    console.error(`usage: ${OIDC_USAGE}`);
    return 2;
  });
}

export async function oidcKeysCommand(args: string[]): Promise<number> {
  return withStore(args, async (db, dataKey, _config, [action]) => {
    if (action === 'rotate') {
      console.log(`new signing key: ${await rotateSigningKey(db, dataKey, Date.now())} (the previous key stays published until its tokens expire)`);
      return 0;
    }
    if (action === 'list') {
      for (const k of await listSigningKeys(db)) {
        console.log(`${k.kid}\t${k.alg}\tcreated ${new Date(k.createdAt).toISOString()}\t${k.retiredAt === null ? 'signing' : `retired ${new Date(k.retiredAt).toISOString()}`}`);
      }
      return 0;
    }
    console.error(`usage: ${OIDC_USAGE}`);
    return 2;
  });
}

/** Errors these commands report as a message (exit 2), not a stack trace. */
export const isOidcCommandError = (err: unknown): boolean => err instanceof ClientMetadataError || err instanceof ConfigError;
