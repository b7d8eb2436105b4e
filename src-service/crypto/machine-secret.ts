import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { z } from 'zod';

// The embedded service's machine-local secret: a data key (seals card secrets) and the CA key
// passphrase. Created on first start with mode 0600; refused if anyone else can read it.

const MachineSecret = z.strictObject({
  dataKey: z.string().base64(),
  caPassphrase: z.string().min(16),
});
export type MachineSecret = { dataKey: Buffer; caPassphrase: string };

export class MachineSecretError extends Error {
  override name = 'MachineSecretError';
}

export function loadOrCreateMachineSecret(file: string): MachineSecret {
  if (!existsSync(file)) {
    const fd = openSync(file, 'wx', 0o600);
    writeSync(fd, JSON.stringify({ dataKey: randomBytes(32).toString('base64'), caPassphrase: randomBytes(24).toString('base64url') }));
    closeSync(fd);
    chmodSync(file, 0o600);
  }
  const mode = statSync(file).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
    throw new MachineSecretError(`${file} can be read by other users (mode ${mode.toString(8)}); run: chmod 600 ${file}`);
  }
  let parsed;
  try {
    parsed = MachineSecret.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    throw new MachineSecretError(`${file} is not a service secret file.`);
  }
  const dataKey = Buffer.from(parsed.dataKey, 'base64');
  if (dataKey.length !== 32) throw new MachineSecretError(`${file} holds a data key of the wrong length.`);
  return { dataKey, caPassphrase: parsed.caPassphrase };
}
