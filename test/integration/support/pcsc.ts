import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { PcscReaderDriver } from '../../../src-main/pcsc/pcsc-reader-driver.js';
import type { ReaderDriverEvents } from '../../../src-main/pcsc/reader-driver.js';

/** Resolves when `event` fires with the given reader name (or rejects after `ms`). */
export function waitFor<K extends 'card-inserted' | 'card-removed' | 'reader-added' | 'reader-removed'>(
  driver: PcscReaderDriver,
  event: K,
  reader: string,
  ms = 10_000,
): Promise<ReaderDriverEvents[K]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      driver.off(event, listener as never);
      reject(new Error(`timed out waiting for ${event} on ${reader}`));
    }, ms);
    const listener = (...args: ReaderDriverEvents[K]): void => {
      if (args[0] !== reader) return;
      clearTimeout(timer);
      driver.off(event, listener as never);
      resolve(args);
    };
    driver.on(event, listener as never);
  });
}

/** Waits until the driver sees the card in `reader` as present. */
export async function untilCardPresent(driver: PcscReaderDriver, reader: string, ms = 10_000): Promise<void> {
  if (driver.readers().some((r) => r.name === reader && r.cardPresent)) return;
  await waitFor(driver, 'card-inserted', reader, ms);
}


const run = promisify(execFile);

async function pcscdPids(): Promise<string[]> {
  try {
    const { stdout } = await run('pgrep', ['-x', 'pcscd']);
    return stdout.trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

/** Stops the machine's pcscd (needs root), as an administrator or a crash would. */
export async function stopPcscd(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('restarting pcscd needs root (CI runs as root)');
  await run('pkill', ['-x', 'pcscd']).catch(() => undefined);
  // On a busy machine pcscd can take seconds to go; one still going when the next starts makes
  // that one refuse to run, and then neither is left. Wait, and make sure.
  for (let i = 0; i < 300 && (await pcscdPids()).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
  if ((await pcscdPids()).length > 0) {
    await run('pkill', ['-9', '-x', 'pcscd']).catch(() => undefined);
    for (let i = 0; i < 100 && (await pcscdPids()).length > 0; i++) await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts pcscd again (it daemonises) and waits for its socket. */
export async function startPcscd(): Promise<void> {
  for (let attempt = 1; attempt <= 3; attempt++) {
    await run('pcscd', []).catch(() => undefined);
    for (let i = 0; i < 100 && !existsSync('/run/pcscd/pcscd.comm'); i++) await new Promise((r) => setTimeout(r, 50));
    if ((await pcscdPids()).length > 0 && existsSync('/run/pcscd/pcscd.comm')) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('pcscd did not start again');
}
