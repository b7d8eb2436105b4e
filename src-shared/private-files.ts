import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, existsSync, fchmodSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

// Files that hold secrets (databases with sealed card secrets and audit entries, the service's
// data key and CA passphrase, the agent's journal and remembered positions) are readable by
// their owner only: folders 0700, files 0600. Anything another account on the machine could
// read stops the start, with the command that fixes it. Windows keeps per-user folders private
// by their ACLs, and POSIX modes say nothing there, so the rule is the POSIX one only. Node
// only: the agent, the service and the virtual card share it; the renderer never imports it.

export class PrivateFileError extends Error {
  override name = 'PrivateFileError';
}

const POSIX = process.platform !== 'win32';

/** The files SQLite keeps beside a database in WAL mode: they hold recent pages in clear. */
export const sqliteFiles = (file: string): string[] => [file, `${file}-wal`, `${file}-shm`];

/** Refuses `path` (file or folder) when its group or others can get at it. Missing: nothing to check. */
export function refuseSharedFile(path: string): void {
  if (!POSIX || !existsSync(path)) return;
  const stat = statSync(path);
  const mode = stat.mode & 0o777;
  if ((mode & 0o077) === 0) return;
  const fix = stat.isDirectory() ? `chmod 700 '${path}'` : `chmod 600 '${path}'`;
  throw new PrivateFileError(
    `${path} can be read by other users of this computer (mode ${mode.toString(8).padStart(3, '0')}), and it holds secrets. ` +
      `Make it private to this account, then start again: ${fix}`,
  );
}

/** Makes `dir` (and any missing parents) and keeps `dir` itself 0700. */
export function makePrivateFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (POSIX) chmodSync(dir, 0o700);
}

/**
 * Before SQLite opens `file`: refuses it (and its -wal and -shm files) when shared, and creates
 * it empty with mode 0600 when missing. SQLite gives the -wal and -shm files the mode of the
 * database, so they start private too. (An empty file is a valid empty database.)
 */
export function preparePrivateDatabase(file: string): void {
  if (file === ':memory:' || file === '') return;
  for (const f of sqliteFiles(file)) refuseSharedFile(f);
  if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
}

/** Every file and folder under `dir` (depth-first); refuses the first one another account could read. */
export function refuseSharedFilesUnder(dir: string): void {
  refuseSharedFile(dir);
  if (!POSIX || !existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) refuseSharedFilesUnder(path);
    else if (entry.isFile()) refuseSharedFile(path);
  }
}

/**
 * Replaces `file` in one step with a 0600 file holding `text`: written to a temporary file beside
 * it, flushed, then renamed over it and the folder flushed, so a crash or power cut leaves the
 * old file or the new one, never half of one.
 */
export function writePrivateFile(file: string, text: string): void {
  const dir = dirname(file);
  const temp = join(dir, `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(temp, 'wx', 0o600);
  try {
    // The mode given to open is reduced by the umask, never widened; make it exactly 0600.
    if (POSIX) fchmodSync(fd, 0o600);
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw err;
  }
  try {
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  if (!POSIX) return;
  const dirFd = openSync(dir, 'r');
  try {
    fsyncSync(dirFd);
  } finally {
    closeSync(dirFd);
  }
}
