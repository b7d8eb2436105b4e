import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { blankCardState } from '../../../src-main/virtual-card/blank-card.js';
import { PivCardEngine } from '../../../src-main/virtual-card/piv-card-engine.js';
import { CardStateFileError, loadOrCreateCardState, saveCardState } from '../../../src-main/virtual-card/state-file.js';
import { VirtualCardState } from '../../../src-shared/card/virtual-card-state.js';
import { apdu, authenticateDefault, block, DEFAULT_3DES_KEY, FIXED_SERIAL, mutualAuth, PIN_HEX, PUK_HEX, send } from './support/card-fixtures.js';

// The virtual card's state file: what a card "remembers" across runs of the vpcd card process.

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'card-state-'));
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function failure(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('a missing file', () => {
  it('becomes a blank factory-default card, saved at once with mode 0600', () => {
    const path = join(dir, 'nested', 'folder', 'card.json');
    const { state, created } = loadOrCreateCardState(path);
    expect(created).toBe(true);
    expect(existsSync(path)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(VirtualCardState.parse(JSON.parse(readFileSync(path, 'utf8')))).toEqual(state);

    const engine = new PivCardEngine(state);
    expect(send(engine, '00 20 00 80').sw).toBe('63c3');
    expect(send(engine, apdu('00 20 00 80', PIN_HEX)).sw).toBe('9000');
    expect(send(engine, apdu('00 24 00 81', PUK_HEX + PUK_HEX)).sw).toBe('9000');
    expect(mutualAuth(engine, 0x03, DEFAULT_3DES_KEY)).toEqual({ step1: '9000', step2: '9000' });
    expect(state.keys).toEqual({});
    expect(state.objects).toEqual({});
  });

  it('is created only once: the second load finds the same card', () => {
    const path = join(dir, 'card.json');
    const first = loadOrCreateCardState(path);
    const second = loadOrCreateCardState(path);
    expect(second.created).toBe(false);
    expect(second.state).toEqual(first.state);
  });

  it('gives two new cards different serials and different salts', () => {
    const a = loadOrCreateCardState(join(dir, 'a.json')).state;
    const b = loadOrCreateCardState(join(dir, 'b.json')).state;
    expect(a.serial).not.toBe(b.serial);
    expect(a.pin.salt).not.toBe(b.pin.salt);
  });
});

describe('save and reload', () => {
  it('round-trips everything a card remembers: passcodes, counters, keys, objects, management key', () => {
    const path = join(dir, 'card.json');
    const { state } = loadOrCreateCardState(path);
    const engine = new PivCardEngine(state, { onPersist: (s) => saveCardState(path, s) });
    expect(send(engine, apdu('00 24 00 80', PIN_HEX + block('24681357'))).sw).toBe('9000');
    expect(send(engine, apdu('00 24 00 81', block('00000000') + block('11111111'))).sw).toBe('63c2');
    authenticateDefault(engine);
    expect(send(engine, apdu('00 db 3f ff', '5c035fc102' + '53043402beef')).sw).toBe('9000');
    expect(send(engine, apdu('00 47 00 9e', 'ac03800111', '00')).sw).toBe('9000');
    const signBefore = send(engine, apdu('00 87 11 9e', '7c248200' + '8120' + 'ab'.repeat(32), '00'));
    expect(signBefore.sw).toBe('9000');

    const reloaded = loadOrCreateCardState(path);
    expect(reloaded.created).toBe(false);
    expect(reloaded.state).toEqual(engine.snapshot());

    const again = new PivCardEngine(reloaded.state);
    expect(send(again, apdu('00 20 00 80', PIN_HEX)).sw).toBe('63c2');
    expect(send(again, apdu('00 20 00 80', block('24681357'))).sw).toBe('9000');
    expect(send(again, apdu('00 24 00 81', PUK_HEX + PUK_HEX)).sw).toBe('9000'); // PUK counter was 2, now restored
    expect(send(again, apdu('00 cb 3f ff', '5c035fc102', '00'))).toMatchObject({ sw: '9000', data: '53043402beef' });
    expect(send(again, apdu('00 87 11 9e', '7c248200' + '8120' + 'ab'.repeat(32), '00')).sw).toBe('9000');
    expect(reloaded.state.keys['9e']).toEqual(engine.snapshot().keys['9e']);
  });

  it('keeps mode 0600 when it replaces a file that was readable by others', () => {
    const path = join(dir, 'card.json');
    saveCardState(path, blankCardState(FIXED_SERIAL));
    chmodSync(path, 0o644);
    saveCardState(path, blankCardState(FIXED_SERIAL));
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('leaves no temporary file behind', () => {
    const path = join(dir, 'card.json');
    const state = blankCardState(FIXED_SERIAL);
    for (let i = 0; i < 20; i++) {
      state.objects['5fc102'] = `53${(2).toString(16).padStart(2, '0')}34${i.toString(16).padStart(2, '0')}`;
      saveCardState(path, state);
    }
    expect(readdirSync(dir)).toEqual(['card.json']);
    expect(loadOrCreateCardState(path).state.objects['5fc102']).toBe('5302' + '34' + (19).toString(16).padStart(2, '0'));
  });

  it('each save replaces the file as a whole: saving and reloading in a loop never sees a mix', () => {
    const path = join(dir, 'card.json');
    const state = blankCardState(FIXED_SERIAL);
    for (let i = 0; i < 50; i++) {
      // Alternate big and small files, so a partial overwrite would leave a tail behind.
      const size = i % 2 === 0 ? 4000 : 10;
      state.objects['5fc10d'] = '5382' + size.toString(16).padStart(4, '0') + (i & 0xff).toString(16).padStart(2, '0').repeat(size);
      saveCardState(path, state);
      expect(loadOrCreateCardState(path).state).toEqual(state);
    }
  });
});

describe('concurrent reader', () => {
  it('a process reading the file while the card saves never sees a half-written file', async () => {
    const path = join(dir, 'card.json');
    const state = blankCardState(FIXED_SERIAL);
    saveCardState(path, state);
    const stop = new Int32Array(new SharedArrayBuffer(4));
    const worker = new Worker(
      `
      const { parentPort, workerData } = require('node:worker_threads');
      const { readFileSync } = require('node:fs');
      const stop = new Int32Array(workerData.stop);
      const seen = new Set();
      const problems = [];
      let reads = 0;
      parentPort.postMessage({ ready: true });
      while (Atomics.load(stop, 0) === 0) {
        let text;
        try {
          text = readFileSync(workerData.path, 'utf8');
        } catch (err) {
          problems.push('read: ' + err.code);
          continue;
        }
        reads++;
        try {
          const json = JSON.parse(text);
          const object = json.objects['5fc10d'];
          if (object !== undefined) {
            const marker = object.slice(-2);
            const body = object.slice(8);
            if (body !== marker.repeat(body.length / 2)) problems.push('mixed content');
            seen.add(marker);
          }
        } catch (err) {
          problems.push('parse: ' + err.message.slice(0, 60));
        }
      }
      parentPort.postMessage({ reads, seen: seen.size, problems: problems.slice(0, 5), problemCount: problems.length });
      `,
      { eval: true, workerData: { path, stop: stop.buffer } },
    );
    const result = new Promise<{ reads: number; seen: number; problems: string[]; problemCount: number }>((resolve, reject) => {
      worker.on('message', (m: { ready?: boolean; reads: number; seen: number; problems: string[]; problemCount: number }) => {
        if (!m.ready) resolve(m);
      });
      worker.on('error', reject);
    });
    await new Promise<void>((resolve) => worker.once('message', () => resolve()));

    for (let i = 0; i < 300; i++) {
      const size = i % 3 === 0 ? 6000 : i % 3 === 1 ? 50 : 1500;
      state.objects['5fc10d'] = '5382' + size.toString(16).padStart(4, '0') + (i & 0xff).toString(16).padStart(2, '0').repeat(size);
      saveCardState(path, state);
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    Atomics.store(stop, 0, 1);
    const { reads, seen, problems, problemCount } = await result;
    await worker.terminate();

    expect({ problemCount, problems }).toEqual({ problemCount: 0, problems: [] });
    expect(reads).toBeGreaterThan(10);
    expect(seen).toBeGreaterThan(1); // the reader really overlapped with several saves
    expect(readdirSync(dir)).toEqual(['card.json']);
  });
});

describe('a corrupt file', () => {
  it.each([
    ['not JSON', '{"format": "piv-virtual-card/1", ', /not a card state file \(not JSON\)/],
    ['empty', '', /not JSON/],
    ['the wrong schema', '{"hello": "world"}', /not a valid card state file: format/],
    ['an array', '[]', /not a valid card state file/],
  ])('(%s) gives a CardStateFileError naming the file', (_what, content, message) => {
    const path = join(dir, 'card.json');
    writeFileSync(path, content);
    const err = failure(() => loadOrCreateCardState(path));
    expect(err).toBeInstanceOf(CardStateFileError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toContain(path);
  });

  /* eslint-disable @typescript-eslint/no-explicit-any -- each case corrupts one field of the parsed JSON file */
  it.each([
    ['a PIN counter out of range', (s: Record<string, any>) => (s.pin.triesLeft = 99), 'pin.triesLeft'],
    ['an upper-case digest', (s: Record<string, any>) => (s.puk.digest = s.puk.digest.toUpperCase()), 'puk.digest'],
    ['a clear-text PIN field', (s: Record<string, any>) => (s.pin.value = '123456'), 'pin'],
    ['an unknown management key algorithm', (s: Record<string, any>) => (s.managementKey.algorithm = 'des'), 'managementKey.algorithm'],
    ['an unknown slot', (s: Record<string, any>) => (s.keys['9b'] = { algorithm: 'p256', pkcs8: 'AAAA' }), 'keys'],
    ['another format', (s: Record<string, any>) => (s.format = 'piv-virtual-card/2'), 'format'],
  ])('(%s) says which field is wrong', (_what, corrupt, field) => {
    const path = join(dir, 'card.json');
    const state = JSON.parse(JSON.stringify(blankCardState(FIXED_SERIAL))) as Record<string, any>;
    corrupt(state);
    writeFileSync(path, JSON.stringify(state));
    const err = failure(() => loadOrCreateCardState(path));
    expect(err).toBeInstanceOf(CardStateFileError);
    expect((err as Error).message).toContain(`valid card state file: ${field}`);
  });
  /* eslint-enable @typescript-eslint/no-explicit-any */

  it('is left untouched: loading never replaces a damaged card with a blank one', () => {
    const path = join(dir, 'card.json');
    writeFileSync(path, 'garbage');
    failure(() => loadOrCreateCardState(path));
    expect(readFileSync(path, 'utf8')).toBe('garbage');
    expect(readdirSync(dir)).toEqual(['card.json']);
  });
});
