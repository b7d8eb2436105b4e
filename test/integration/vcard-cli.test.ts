import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApduChannel } from '../../src-main/card/apdu-channel.js';
import { parseAtr } from '../../src-main/card/atr.js';
import { PivSession } from '../../src-main/card/piv/piv-session.js';
import { WrongPasscodeError } from '../../src-main/card/status-words.js';
import { PcscReaderDriver } from '../../src-main/pcsc/pcsc-reader-driver.js';
import { untilCardPresent, waitFor } from './support/pcsc.js';
import { READER, tempDir } from './support/virtual-card.js';

// `npm run vcard` as a user runs it: a separate process in a vpcd slot, a state file, an APDU log.
// Also the secrets rule: a passcode or PUK typed at the card never reaches its output, its log,
// its state file, or an error message.

let driver: PcscReaderDriver;
let child: ChildProcess | undefined;
let output = '';

beforeEach(() => {
  driver = new PcscReaderDriver({ reconnectMs: 200 });
  driver.start();
  output = '';
});

afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child?.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
  child = undefined;
  await driver.close();
});

function startVcard(args: string[]): ChildProcess {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src-main/virtual-card/vpcd-cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  child = proc;
  return proc;
}

const piv = (t: Parameters<Parameters<PcscReaderDriver['transaction']>[1]>[0], atr: Buffer): PivSession =>
  new PivSession(new ApduChannel(t, { extendedLength: parseAtr(atr).extendedLength }));

describe('npm run vcard', () => {
  it('makes a blank factory card from a missing state file, and SIGTERM removes it cleanly', async () => {
    const state = join(tempDir(), 'new-card.json');
    const proc = startVcard(['--slot', '1', '--state', state]);
    await untilCardPresent(driver, READER[1], 20_000);
    expect(existsSync(state)).toBe(true);
    expect(statSync(state).mode & 0o777).toBe(0o600);
    const status = await driver.transaction(READER[1], async (t, atr) => {
      const s = piv(t, atr);
      await s.select();
      await s.verifyPin(Buffer.from('123456'));
      return s.pinStatus();
    });
    expect(status).toEqual({ verified: true });
    const removed = waitFor(driver, 'card-removed', READER[1]);
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    proc.kill('SIGTERM');
    expect(await exited).toBe(0);
    await removed;
    expect(output).toMatch(/new blank card/);
  });

  it('refuses a state file that is not a card, with a clear message', async () => {
    const bad = join(tempDir(), 'bad.json');
    await import('node:fs').then((fs) => fs.writeFileSync(bad, '{"format":"something else"}'));
    const proc = startVcard(['--slot', '1', '--state', bad]);
    const code = await new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
    expect(code).toBe(1);
    expect(output).toMatch(/not a valid card state file/);
  });

  it('never writes a passcode or PUK to its output, APDU log or state file, nor into an error', async () => {
    const dir = tempDir();
    const state = join(dir, 'card.json');
    const log = join(dir, 'apdu.log');
    startVcard(['--slot', '1', '--state', state, '--apdu-log', log]);
    await untilCardPresent(driver, READER[1], 20_000);
    const secrets = ['123456', '12345678', '97531864', '86420975', '55443322'];
    const errors: string[] = [];
    await driver.transaction(READER[1], async (t, atr) => {
      const s = piv(t, atr);
      await s.select();
      await s.changePin(Buffer.from('123456'), Buffer.from('97531864'));
      await s.changePuk(Buffer.from('12345678'), Buffer.from('86420975'));
      try {
        await s.verifyPin(Buffer.from('55443322'));
      } catch (err) {
        expect(err).toBeInstanceOf(WrongPasscodeError);
        errors.push(String(err), JSON.stringify(err), (err as Error).stack ?? '');
      }
      await s.verifyPin(Buffer.from('97531864'));
    });
    const files = [readFileSync(state, 'utf8'), readFileSync(log, 'utf8')];
    expect(readFileSync(log, 'utf8').split('\n').filter((l) => / 20 00 80 /.test(l))).toHaveLength(2);
    for (const text of [...files, output, ...errors]) {
      for (const secret of secrets) {
        expect(text).not.toContain(secret);
        expect(text.toLowerCase()).not.toContain(Buffer.from(secret).toString('hex'));
      }
    }
  });
});
