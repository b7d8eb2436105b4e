import { createCipheriv, createDecipheriv, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { fromHex } from '../../../../src-main/card/bytes.js';
import { blankCardState } from '../../../../src-main/virtual-card/blank-card.js';
import { PivCardEngine, type CommandRecord, type EngineOptions } from '../../../../src-main/virtual-card/piv-card-engine.js';
import type { AsymmetricAlgorithm, VirtualCardState } from '../../../../src-shared/card/virtual-card-state.js';

// Shared helpers for the virtual card specs: raw APDU exchange in hex, management-key
// cryptography done independently of the code under test, and key pairs generated once per file.

export const PIN_HEX = '313233343536ffff'; // "123456" padded with FF
export const PUK_HEX = '3132333435363738'; // "12345678"
export const DEFAULT_3DES_KEY = fromHex('010203040506070801020304050607080102030405060708');
export const FIXED_SERIAL = 0x0a0b0c0d;

export interface Answer {
  /** Response data as lower-case hex (no status word). */
  readonly data: string;
  readonly sw: string;
  readonly raw: Buffer;
}

/** Pads an ASCII passcode to the 8-byte PIV block, as hex. */
export function block(value: string): string {
  return Buffer.concat([Buffer.from(value, 'ascii'), Buffer.alloc(8 - value.length, 0xff)]).toString('hex');
}

export function send(engine: PivCardEngine, hex: string): Answer {
  const raw = engine.process(fromHex(hex));
  const sw = raw.subarray(raw.length - 2).toString('hex');
  return { data: raw.subarray(0, raw.length - 2).toString('hex'), sw, raw };
}

/** Builds a short APDU from a header and hex data (Lc computed), optional Le byte as hex. */
export function apdu(header: string, data = '', le = ''): string {
  const d = fromHex(data);
  const lc = d.length ? d.length.toString(16).padStart(2, '0') : '';
  return `${header.replace(/\s/g, '')}${lc}${d.toString('hex')}${le}`;
}

/** Builds an extended-length APDU (Lc 00 hh ll, Le hh ll when given). */
export function extendedApdu(header: string, data: Buffer, le?: number): string {
  const lc = Buffer.from([0, data.length >> 8, data.length & 0xff]).toString('hex');
  const leHex = le === undefined ? '' : Buffer.from([(le >> 8) & 0xff, le & 0xff]).toString('hex');
  return `${header.replace(/\s/g, '')}${lc}${data.toString('hex')}${leHex}`;
}

export function ecb(cipher: string, key: Buffer, data: Buffer, direction: 'encrypt' | 'decrypt'): Buffer {
  const c = direction === 'encrypt' ? createCipheriv(cipher, key, null) : createDecipheriv(cipher, key, null);
  c.setAutoPadding(false);
  return Buffer.concat([c.update(data), c.final()]);
}

/** Reads the value of a `7C { tag L value }` dynamic authentication template (short lengths). */
export function dynamicAuthValue(dataHex: string, tag: number): Buffer {
  const b = fromHex(dataHex);
  if (b[0] !== 0x7c) throw new Error(`not a 7C template: ${dataHex}`);
  let pos = b[1] === 0x81 ? 3 : b[1] === 0x82 ? 4 : 2;
  while (pos < b.length) {
    const t = b[pos] as number;
    let len = b[pos + 1] as number;
    let head = 2;
    if (len === 0x81) {
      len = b[pos + 2] as number;
      head = 3;
    } else if (len === 0x82) {
      len = ((b[pos + 2] as number) << 8) | (b[pos + 3] as number);
      head = 4;
    }
    if (t === tag) return b.subarray(pos + head, pos + head + len);
    pos += head + len;
  }
  throw new Error(`tag ${tag.toString(16)} not in ${dataHex}`);
}

const MGM_CIPHER: Record<number, string> = { 0x03: 'des-ede3-ecb', 0x08: 'aes-128-ecb', 0x0a: 'aes-192-ecb', 0x0c: 'aes-256-ecb' };

/**
 * Management-key mutual authentication done with node:crypto in the test (not the product's
 * responder). Returns the status words of both steps; throws if the card's answer to the
 * challenge is wrong.
 */
export function mutualAuth(engine: PivCardEngine, alg: number, key: Buffer, options: { corruptWitness?: boolean } = {}): { step1: string; step2: string } {
  const cipher = MGM_CIPHER[alg];
  if (!cipher) throw new Error(`no cipher for ${alg}`);
  const blockSize = alg === 0x03 ? 8 : 16;
  const p1 = alg.toString(16).padStart(2, '0');
  const first = send(engine, apdu(`00 87 ${p1} 9b`, '7c028000', '00'));
  if (first.sw !== '9000') return { step1: first.sw, step2: '' };
  const encryptedWitness = dynamicAuthValue(first.data, 0x80);
  if (encryptedWitness.length !== blockSize) throw new Error(`witness of ${encryptedWitness.length} bytes`);
  const witness = ecb(cipher, key, encryptedWitness, 'decrypt');
  if (options.corruptWitness) witness[0] = (witness[0] as number) ^ 0x01;
  const challenge = Buffer.alloc(blockSize, 0x5a);
  challenge[0] = 0x01;
  const inner = Buffer.concat([Buffer.from([0x80, blockSize]), witness, Buffer.from([0x81, blockSize]), challenge]);
  const body = Buffer.concat([Buffer.from([0x7c, inner.length]), inner]);
  const second = send(engine, apdu(`00 87 ${p1} 9b`, body.toString('hex'), '00'));
  if (second.sw === '9000') {
    const answer = dynamicAuthValue(second.data, 0x82);
    if (!answer.equals(ecb(cipher, key, challenge, 'encrypt'))) throw new Error('the card answered the challenge wrongly');
  }
  return { step1: first.sw, step2: second.sw };
}

export function authenticateDefault(engine: PivCardEngine): void {
  const r = mutualAuth(engine, 0x03, DEFAULT_3DES_KEY);
  if (r.step2 !== '9000') throw new Error(`management key authentication failed: ${JSON.stringify(r)}`);
}

export function verifyPin(engine: PivCardEngine, pin = '123456'): string {
  return send(engine, apdu('00 20 00 80', block(pin))).sw;
}

export interface TestKeys {
  readonly rsa: { privateKey: KeyObject; publicKey: KeyObject };
  readonly p256: { privateKey: KeyObject; publicKey: KeyObject };
}

let cachedKeys: TestKeys | undefined;

/** One RSA-2048 and one P-256 key pair per test file (keygen is the slow part). */
export function testKeys(): TestKeys {
  cachedKeys ??= {
    rsa: generateKeyPairSync('rsa', { modulusLength: 2048 }),
    p256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  };
  return cachedKeys;
}

/** A blank card state with keys placed into slots directly (as a card factory would). */
export function stateWithKeys(slots: Record<string, AsymmetricAlgorithm>, base: VirtualCardState = blankCardState(FIXED_SERIAL)): VirtualCardState {
  const keys = testKeys();
  const state = structuredClone(base);
  for (const [slot, alg] of Object.entries(slots)) {
    const pair = alg === 'rsa2048' ? keys.rsa : keys.p256;
    state.keys[slot] = { algorithm: alg, pkcs8: pair.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64') };
  }
  return state;
}

export interface RecordingEngine {
  readonly engine: PivCardEngine;
  readonly persisted: VirtualCardState[];
  readonly commands: CommandRecord[];
}

export function recordingEngine(state: VirtualCardState = blankCardState(FIXED_SERIAL), extra: EngineOptions = {}): RecordingEngine {
  const persisted: VirtualCardState[] = [];
  const commands: CommandRecord[] = [];
  const engine = new PivCardEngine(state, {
    ...extra,
    onPersist: (s) => persisted.push(s),
    onCommand: (r) => commands.push(r),
  });
  return { engine, persisted, commands };
}
