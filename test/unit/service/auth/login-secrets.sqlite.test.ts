import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CA_SECRET_NAMES } from '../../../../src-service/ca/ca-storage.js';
import { loadOrCreateMachineSecret } from '../../../../src-service/crypto/machine-secret.js';
import { decodeKdfParams, deriveKeyFromPassphrase } from '../../../../src-service/crypto/passphrase-key.js';
import { open } from '../../../../src-service/crypto/secret-box.js';
import { startServiceRig, type ServiceRig } from '../support/card-login-rig.js';
import { cardSecrets, runSecretFlows, type SecretFlows } from '../support/login-secret-flows.js';

// The embedded service's SQLite file (and its write-ahead log) never holds a secret in clear:
// card PUKs and management keys, session tokens and login tickets, the data key, the CA's
// private keys.

let rig: ServiceRig;
let flows: SecretFlows;

beforeAll(async () => {
  rig = await startServiceRig();
  flows = await runSecretFlows(rig);
});
afterAll(async () => rig.close());

describe('secrets stay secret on disk', () => {
  it('on disk the database holds no PUK, management key, token, ticket or CA private key in clear', async () => {
    const { dbFile, secretFile } = rig.service.ctx.config;
    const bytes = Buffer.concat([dbFile, `${dbFile}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
    expect(bytes.length).toBeGreaterThan(0);
    // The CA's private keys, opened here the way the service does, to know what to look for.
    const secret = loadOrCreateMachineSecret(secretFile as string);
    const stored = async (name: string): Promise<Buffer> =>
      (await rig.db.selectFrom('service_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow()).value;
    const kek = await deriveKeyFromPassphrase(secret.caPassphrase, decodeKdfParams(await stored(CA_SECRET_NAMES.kdf)));
    const caKeys = [
      open(kek, await stored(CA_SECRET_NAMES.issuingKey), CA_SECRET_NAMES.issuingKey),
      open(kek, await stored(CA_SECRET_NAMES.rootKey), CA_SECRET_NAMES.rootKey),
    ];
    for (const key of caKeys) {
      expect(key.length).toBeGreaterThan(1000);
      // The PKCS#8 starts with headers and the public modulus (which the certificate carries);
      // its second half is private exponent and primes only: no 32-byte stretch of it may show.
      for (let offset = Math.floor(key.length / 2); offset + 32 <= key.length; offset += 32) {
        expect(bytes.includes(key.subarray(offset, offset + 32))).toBe(false);
      }
    }
    for (const card of flows.cards) {
      const { puk, managementKey } = await cardSecrets(rig, card);
      expect(bytes.includes(Buffer.from(puk, 'ascii'))).toBe(false);
      expect(bytes.includes(managementKey)).toBe(false);
    }
    for (const s of [...flows.tokens, ...flows.tickets]) expect(bytes.includes(Buffer.from(s, 'ascii'))).toBe(false);
    expect(bytes.includes(rig.service.ctx.dataKey)).toBe(false);
  });
});
