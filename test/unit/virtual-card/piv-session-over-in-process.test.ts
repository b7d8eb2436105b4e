import { execFileSync } from 'node:child_process';
import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, verify as cryptoVerify, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApduChannel } from '../../../src-main/card/apdu-channel.js';
import { parseAtr } from '../../../src-main/card/atr.js';
import { CardError } from '../../../src-main/card/card-error.js';
import { ALG, DEFAULT_MANAGEMENT_KEY, OBJECT, SLOT } from '../../../src-main/card/piv/piv-constants.js';
import { localManagementKeyResponder } from '../../../src-main/card/piv/piv-management-key.js';
import { encodeChuid, guidToUuid } from '../../../src-shared/card/piv-objects.js';
import { PivSession } from '../../../src-main/card/piv/piv-session.js';
import { CardBlockedError, CardStatusError, WrongPasscodeError } from '../../../src-main/card/status-words.js';
import { blankCardState } from '../../../src-main/virtual-card/blank-card.js';
import { InProcessReaderDriver } from '../../../src-main/virtual-card/in-process-readers.js';
import type { PivCardEngine, CommandRecord } from '../../../src-main/virtual-card/piv-card-engine.js';
import type { VirtualCardState } from '../../../src-shared/card/virtual-card-state.js';
import { FIXED_SERIAL, recordingEngine } from './support/card-fixtures.js';

// Complete card operations as the workstation performs them: the host-side PivSession over an
// ApduChannel, through the in-process reader driver, against the software card.

const pin = (text: string): Buffer => Buffer.from(text, 'ascii');
const message = Buffer.from('Care Identity: sign this challenge');

interface Rig {
  readonly driver: InProcessReaderDriver;
  readonly engine: PivCardEngine;
  readonly commands: CommandRecord[];
  readonly persisted: VirtualCardState[];
}

function rig(state: VirtualCardState = blankCardState(FIXED_SERIAL), reader = 'Reader 1'): Rig {
  const driver = new InProcessReaderDriver();
  const { engine, commands, persisted } = recordingEngine(state);
  driver.insert(reader, engine);
  return { driver, engine, commands, persisted };
}

interface SessionOptions {
  readonly reader?: string;
  /** Override the ATR's verdict on extended length. */
  readonly extendedLength?: boolean;
  readonly resetAfter?: boolean;
}

/** One reader transaction with a PivSession on it, PIV already selected. */
function withSession<T>(driver: InProcessReaderDriver, fn: (session: PivSession) => Promise<T>, options: SessionOptions = {}): Promise<T> {
  return driver.transaction(
    options.reader ?? 'Reader 1',
    async (transport, atr) => {
      const channel = new ApduChannel(transport, { extendedLength: options.extendedLength ?? parseAtr(atr).extendedLength });
      const session = new PivSession(channel);
      await session.select();
      return fn(session);
    },
    { resetAfter: options.resetAfter ?? false },
  );
}

const defaultResponder = () => localManagementKeyResponder(ALG.TDES, DEFAULT_MANAGEMENT_KEY);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the operation to fail');
}

function pattern(n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff));
}

/** A `53` object of `total` bytes. */
function dataObject(total: number): Buffer {
  const len = total - 4;
  return Buffer.concat([Buffer.from([0x53, 0x82, len >> 8, len & 0xff]), pattern(len)]);
}

/** A real X.509 certificate for `publicKey`, issued by openssl with a throwaway CA key. */
function certificateFor(publicKey: KeyObject, dir: string): Buffer {
  const ca = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(join(dir, 'ca.key'), ca.privateKey.export({ format: 'pem', type: 'pkcs8' }));
  writeFileSync(join(dir, 'subject.pub'), publicKey.export({ format: 'pem', type: 'spki' }));
  const uris = Array.from({ length: 8 }, (_, i) => `URI:https://identity.example.org/staff/${i}/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa`);
  writeFileSync(
    join(dir, 'ext.cnf'),
    [
      `subjectAltName=email:jo.bloggs@example.org,${uris.join(',')}`,
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=clientAuth',
      'subjectKeyIdentifier=hash',
      '',
    ].join('\n'),
  );
  execFileSync('openssl', [
    'x509', '-new',
    '-subj', '/CN=Jo Bloggs/OU=Care Identity/O=Virtual Card Tests',
    '-key', join(dir, 'ca.key'),
    '-force_pubkey', join(dir, 'subject.pub'),
    '-days', '30',
    '-extfile', join(dir, 'ext.cnf'),
    '-outform', 'DER',
    '-out', join(dir, 'cert.der'),
  ], { stdio: ['ignore', 'ignore', 'pipe'] });
  return readFileSync(join(dir, 'cert.der'));
}

// One RSA key generated on a card, and its certificate, shared by the tests that only need a
// provisioned card: each test starts a fresh engine from this state.
let provisioned: VirtualCardState;
let cardPublicKey: KeyObject;
let certificate: Buffer;
let workDir: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'piv-session-'));
  const { driver, engine } = rig();
  cardPublicKey = await withSession(driver, async (session) => {
    await session.authenticateManagementKey(defaultResponder());
    return session.generateKey(SLOT.AUTHENTICATION, ALG.RSA2048);
  }, { extendedLength: true });
  certificate = certificateFor(cardPublicKey, workDir);
  await withSession(driver, async (session) => {
    await session.authenticateManagementKey(defaultResponder());
    await session.writeCertificate(SLOT.AUTHENTICATION, certificate);
  });
  provisioned = engine.snapshot();
});

afterAll(() => {
  rmSync(workDir, { recursive: true, force: true });
});

describe('the in-process reader', () => {
  it("reports the card and its ATR, which advertises extended length", () => {
    const { driver, engine } = rig();
    expect(driver.readers()).toEqual([
      { name: 'Reader 1', cardPresent: true, atr: engine.atr },
      { name: 'Reader 2', cardPresent: false },
    ]);
    expect(parseAtr(engine.atr).extendedLength).toBe(true);
  });

  it('fails a transaction on an empty reader with card-removed, and on an unknown reader with reader-unavailable', async () => {
    const { driver } = rig();
    expect(await rejection(withSession(driver, async () => undefined, { reader: 'Reader 2' }))).toMatchObject({ code: 'card-removed' });
    expect(await rejection(driver.transaction('Reader 9', async () => undefined))).toMatchObject({ code: 'reader-unavailable' });
  });
});

describe('keys and signatures', () => {
  it('generates RSA-2048 in 9A after management-key authentication; the signature verifies', async () => {
    // The shared provisioned card was made by exactly this flow (beforeAll); here it is checked
    // that the public key GENERATE returned belongs to the private key the card keeps.
    expect(cardPublicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    const stored = provisioned.keys['9a'];
    expect(stored?.algorithm).toBe('rsa2048');
    const storedPublic = createPublicKey(createPrivateKey({ key: Buffer.from(stored?.pkcs8 ?? '', 'base64'), format: 'der', type: 'pkcs8' }));
    expect(storedPublic.export({ format: 'der', type: 'spki' })).toEqual(cardPublicKey.export({ format: 'der', type: 'spki' }));
    const { driver } = rig(provisioned);
    const signature = await withSession(driver, async (session) => {
      await session.verifyPin(pin('123456'));
      return session.sign(SLOT.AUTHENTICATION, ALG.RSA2048, message);
    });
    expect(signature).toHaveLength(256);
    expect(cryptoVerify('sha256', message, cardPublicKey, signature)).toBe(true);
    expect(cryptoVerify('sha256', Buffer.from('another message'), cardPublicKey, signature)).toBe(false);
  });

  it('generates P-256 in 9A; the signature is DER and verifies', async () => {
    const { driver, engine } = rig();
    const signature = await withSession(driver, async (session) => {
      await session.authenticateManagementKey(defaultResponder());
      const publicKey = await session.generateKey(SLOT.AUTHENTICATION, ALG.ECC_P256);
      expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
      await session.verifyPin(pin('123456'));
      const sig = await session.sign(SLOT.AUTHENTICATION, ALG.ECC_P256, message);
      expect(cryptoVerify('sha256', message, publicKey, sig)).toBe(true);
      return sig;
    });
    expect(signature[0]).toBe(0x30);
    expect(engine.snapshot().keys['9a']?.algorithm).toBe('p256');
  });

  it('refuses GENERATE without management-key authentication, with a typed error', async () => {
    const { driver, engine } = rig();
    const err = await rejection(withSession(driver, (s) => s.generateKey(SLOT.AUTHENTICATION, ALG.ECC_P256)));
    expect(err).toBeInstanceOf(CardStatusError);
    expect(err).toMatchObject({ code: 'security-status-not-satisfied', sw: 0x6982 });
    expect(engine.snapshot().keys).toEqual({});
  });

  it('refuses management-key authentication with the wrong key', async () => {
    const { driver } = rig();
    const wrong = localManagementKeyResponder(ALG.TDES, Buffer.alloc(24, 0x11));
    const err = await rejection(withSession(driver, (s) => s.authenticateManagementKey(wrong)));
    expect(err).toMatchObject({ code: 'security-status-not-satisfied' });
  });

  it('authenticates with an AES-128 management key held by the responder', async () => {
    const state = blankCardState(FIXED_SERIAL);
    const aesKey = randomBytes(16);
    state.managementKey = { algorithm: 'aes128', key: aesKey.toString('hex') };
    const { driver } = rig(state);
    const publicKey = await withSession(driver, async (s) => {
      await s.authenticateManagementKey(localManagementKeyResponder(ALG.AES128, aesKey));
      return s.generateKey(SLOT.CARD_AUTHENTICATION, ALG.ECC_P256);
    });
    const sig = await withSession(driver, (s) => s.sign(SLOT.CARD_AUTHENTICATION, ALG.ECC_P256, message));
    expect(cryptoVerify('sha256', message, publicKey, sig)).toBe(true);
  });

  it('a local responder can authenticate a second time without sending the card a wrong witness', async () => {
    const { driver, commands } = rig();
    const responder = defaultResponder();
    await withSession(driver, (s) => s.authenticateManagementKey(responder));
    let second: unknown;
    try {
      await withSession(driver, (s) => s.authenticateManagementKey(responder));
      second = 'authenticated';
    } catch (err) {
      second = err;
    }
    // Either the responder works again, or it refuses locally; it must never make the card
    // reject a witness computed with a wiped key (6982 "needs the management key").
    const rejectedByCard = commands.filter((c) => c.ins === 0x87 && c.p2 === 0x9b && c.sw === 0x6982);
    const outcome = second instanceof Error ? `${second.name}: ${second.message}` : String(second);
    expect(rejectedByCard, `second authentication with the same responder: ${outcome}`).toEqual([]);
  });

  it('9C needs the PIN again for each signature', async () => {
    const { driver } = rig();
    const publicKey = await withSession(driver, async (s) => {
      await s.authenticateManagementKey(defaultResponder());
      return s.generateKey(SLOT.SIGNATURE, ALG.ECC_P256);
    });
    await withSession(driver, async (s) => {
      await s.verifyPin(pin('123456'));
      expect(cryptoVerify('sha256', message, publicKey, await s.sign(SLOT.SIGNATURE, ALG.ECC_P256, message))).toBe(true);
      expect(await rejection(s.sign(SLOT.SIGNATURE, ALG.ECC_P256, message))).toMatchObject({ code: 'security-status-not-satisfied' });
    });
  });
});

describe('certificates and the CHUID', () => {
  it('reads back the real X.509 certificate written to 9A, whose key verifies the card signature', async () => {
    expect(certificate.length).toBeGreaterThan(1000);
    const { driver } = rig(provisioned);
    const { der, signature } = await withSession(driver, async (session) => {
      const read = await session.readCertificate(SLOT.AUTHENTICATION);
      await session.verifyPin(pin('123456'));
      return { der: read, signature: await session.sign(SLOT.AUTHENTICATION, ALG.RSA2048, message) };
    });
    expect(der).toEqual(certificate);
    const x509 = new X509Certificate(der ?? Buffer.alloc(0));
    expect(x509.subject).toContain('CN=Jo Bloggs');
    expect(cryptoVerify('sha256', message, x509.publicKey, signature)).toBe(true);
  });

  it('stores the certificate object as 53 { 70 DER, 71 00, FE }', () => {
    const stored = Buffer.from(provisioned.objects['5fc105'] ?? '', 'hex');
    expect(stored[0]).toBe(0x53);
    expect(stored.includes(certificate)).toBe(true);
    expect(stored.subarray(-5).toString('hex')).toBe('710100fe00');
  });

  it('reports an empty slot as undefined, not as an error', async () => {
    const { driver } = rig(provisioned);
    expect(await withSession(driver, (s) => s.readCertificate(SLOT.SIGNATURE))).toBeUndefined();
    expect(await withSession(driver, (s) => s.readChuid())).toBeUndefined();
  });

  it('writes a CHUID and reads its GUID back as the card UUID', async () => {
    const { driver } = rig();
    const guid = Buffer.from('8f4c2a1e9b7d4e3fa0c15d6e7f809152', 'hex');
    await withSession(driver, async (s) => {
      await s.authenticateManagementKey(defaultResponder());
      await s.putData(OBJECT.CHUID, encodeChuid(guid));
    });
    const chuid = await withSession(driver, (s) => s.readChuid());
    expect(chuid?.guid).toEqual(guid);
    expect(guidToUuid(chuid?.guid ?? Buffer.alloc(16))).toBe('8f4c2a1e-9b7d-4e3f-a0c1-5d6e7f809152');
    expect(chuid?.expiry).toBe('20991231');
  });

  it('refuses PUT DATA without management-key authentication and stores nothing', async () => {
    const { driver, engine } = rig();
    const err = await rejection(withSession(driver, (s) => s.writeCertificate(SLOT.AUTHENTICATION, certificate)));
    expect(err).toMatchObject({ code: 'security-status-not-satisfied' });
    expect(engine.snapshot().objects).toEqual({});
  });
});

describe('passcodes', () => {
  it('blocks after three wrong passcodes, unblocks with the PUK, and changes the passcode', async () => {
    const { driver } = rig();
    await withSession(driver, async (s) => {
      for (const expected of [2, 1, 0]) {
        const err = await rejection(s.verifyPin(pin('000000')));
        expect(err).toBeInstanceOf(WrongPasscodeError);
        expect(err).toMatchObject({ code: 'wrong-passcode', attemptsRemaining: expected, reference: 'PIN' });
      }
      const blocked = await rejection(s.verifyPin(pin('123456')));
      expect(blocked).toBeInstanceOf(CardBlockedError);
      expect(blocked).toMatchObject({ code: 'card-blocked' });
      expect(await s.pinStatus()).toEqual({ verified: false, attemptsRemaining: 0 });

      const wrongPuk = await rejection(s.unblockPin(pin('87654321'), pin('246810')));
      expect(wrongPuk).toBeInstanceOf(WrongPasscodeError);
      expect(wrongPuk).toMatchObject({ attemptsRemaining: 2, reference: 'PUK' });

      await s.unblockPin(pin('12345678'), pin('246810'));
      expect(await s.pinStatus()).toEqual({ verified: false, attemptsRemaining: 3 });
      await s.verifyPin(pin('246810'));
      expect(await s.pinStatus()).toEqual({ verified: true });

      await s.changePin(pin('246810'), pin('13572468'));
      const old = await rejection(s.verifyPin(pin('246810')));
      expect(old).toMatchObject({ attemptsRemaining: 2 });
      await s.verifyPin(pin('13572468'));
    });
  });

  it('a wrong current passcode in changePin costs an attempt and changes nothing', async () => {
    const { driver } = rig();
    await withSession(driver, async (s) => {
      expect(await rejection(s.changePin(pin('999999'), pin('246810')))).toMatchObject({ code: 'wrong-passcode', attemptsRemaining: 2 });
      await s.verifyPin(pin('123456'));
    });
  });

  it('a blocked PUK gives CardBlockedError for the PUK', async () => {
    const { driver } = rig();
    await withSession(driver, async (s) => {
      for (let i = 0; i < 3; i++) await rejection(s.changePuk(pin('00000000'), pin('11112222')));
      const err = await rejection(s.unblockPin(pin('12345678'), pin('246810')));
      expect(err).toBeInstanceOf(CardBlockedError);
      expect(err).toMatchObject({ reference: 'PUK' });
    });
  });

  it('logout forgets the verified passcode', async () => {
    const { driver } = rig();
    await withSession(driver, async (s) => {
      await s.verifyPin(pin('123456'));
      await s.logout();
      expect(await s.pinStatus()).toEqual({ verified: false, attemptsRemaining: 3 });
    });
  });

  it.each([
    ['verifyPin', (s: PivSession) => s.verifyPin(pin('12a456'))],
    ['changePin (new)', (s: PivSession) => s.changePin(pin('123456'), pin('12a456'))],
    ['changePin (short)', (s: PivSession) => s.changePin(pin('123456'), pin('12345'))],
    ['unblockPin', (s: PivSession) => s.unblockPin(pin('12345678'), pin('12a456'))],
  ])('%s refuses a passcode against the policy before the card sees anything', async (_name, op) => {
    const { driver, commands } = rig();
    const err = await rejection(withSession(driver, op));
    expect(err).toBeInstanceOf(CardError);
    expect(err).toMatchObject({ code: 'passcode-policy' });
    // The card saw the SELECT and nothing else: no VERIFY, CHANGE or RESET RETRY COUNTER.
    expect(commands.map((c) => c.ins)).toEqual([0xa4]);
    const status = await withSession(driver, (s) => s.pinStatus());
    expect(status).toEqual({ verified: false, attemptsRemaining: 3 });
  });

  it('without resetAfter the card stays verified between transactions; with it, it does not', async () => {
    const { driver } = rig();
    await withSession(driver, (s) => s.verifyPin(pin('123456')));
    expect(await withSession(driver, (s) => s.pinStatus())).toEqual({ verified: true });
    await withSession(driver, (s) => s.verifyPin(pin('123456')), { resetAfter: true });
    expect(await withSession(driver, (s) => s.pinStatus())).toEqual({ verified: false, attemptsRemaining: 3 });
  });
});

describe('short and extended APDUs', () => {
  const object = dataObject(2048);

  it('short mode: PUT DATA of 2 KB goes by command chaining, GET DATA comes back by GET RESPONSE', async () => {
    const { driver, commands } = rig();
    await withSession(driver, async (s) => {
      await s.authenticateManagementKey(defaultResponder());
      const before = commands.length;
      await s.putData(0x5fc10d, object);
      const put = commands.slice(before);
      const total = 5 + object.length; // 5C 03 tag + object
      expect(put.map((c) => c.cla)).toEqual([...Array(Math.ceil(total / 255) - 1).fill(0x10), 0x00]);
      expect(put.every((c) => c.ins === 0xdb && c.sw === 0x9000)).toBe(true);
      expect(put.slice(0, -1).every((c) => c.nc === 255)).toBe(true);
    }, { extendedLength: false });

    const before = commands.length;
    const read = await withSession(driver, (s) => s.getData(0x5fc10d), { extendedLength: false });
    expect(read).toEqual(object);
    const get = commands.slice(before + 1); // after the SELECT
    expect(get[0]).toMatchObject({ ins: 0xcb, sw: 0x6100 });
    expect(get.slice(1).every((c) => c.ins === 0xc0)).toBe(true);
    expect(get).toHaveLength(Math.ceil(object.length / 256));
    expect(get.at(-1)?.sw).toBe(0x9000);
  });

  it('extended mode: the same object goes in one PUT DATA and comes back in one GET DATA', async () => {
    const { driver, commands } = rig();
    await withSession(driver, async (s) => {
      await s.authenticateManagementKey(defaultResponder());
      const before = commands.length;
      await s.putData(0x5fc10d, object);
      expect(commands.slice(before)).toEqual([{ cla: 0, ins: 0xdb, p1: 0x3f, p2: 0xff, nc: object.length + 5, sw: 0x9000 }]);
      const again = commands.length;
      expect(await s.getData(0x5fc10d)).toEqual(object);
      expect(commands.slice(again)).toEqual([{ cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, nc: 5, sw: 0x9000 }]);
    }, { extendedLength: true });
  });

  it('short mode: an RSA signature is chained out and collected with GET RESPONSE, and verifies', async () => {
    const { driver, commands } = rig(provisioned);
    const signature = await withSession(driver, async (s) => {
      await s.verifyPin(pin('123456'));
      return s.sign(SLOT.AUTHENTICATION, ALG.RSA2048, message);
    }, { extendedLength: false });
    expect(cryptoVerify('sha256', message, cardPublicKey, signature)).toBe(true);
    const ga = commands.filter((c) => c.ins === 0x87);
    expect(ga.map((c) => c.cla)).toEqual([0x10, 0x00]);
    expect(ga.at(-1)?.sw).toBe(0x6108); // 264 bytes: 256 now, 8 by GET RESPONSE
    expect(commands.at(-1)).toMatchObject({ ins: 0xc0, sw: 0x9000 });
  });

  it('short mode: an RSA-2048 public key from GENERATE is collected with GET RESPONSE', async () => {
    const { driver, commands } = rig();
    const publicKey = await withSession(driver, async (s) => {
      await s.authenticateManagementKey(defaultResponder());
      return s.generateKey(SLOT.KEY_MANAGEMENT, ALG.RSA2048);
    }, { extendedLength: false });
    expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
    // 7F49 82 01 09 {81 82 01 00 n, 82 03 e}: 270 bytes, 256 now and 14 by GET RESPONSE.
    expect(commands.at(-2)).toMatchObject({ ins: 0x47, sw: 0x610e });
    expect(commands.at(-1)).toMatchObject({ ins: 0xc0, sw: 0x9000 });
  });

  it('read certificate + verify + sign takes 4 APDUs with extended length, SELECT included', async () => {
    const { driver, commands } = rig(provisioned);
    const count = await withSession(driver, async (s) => {
      await s.readCertificate(SLOT.AUTHENTICATION);
      await s.verifyPin(pin('123456'));
      await s.sign(SLOT.AUTHENTICATION, ALG.RSA2048, message);
      return s.apduCount;
    }, { extendedLength: true });
    expect(count).toBe(4);
    expect(commands.map((c) => c.ins)).toEqual([0xa4, 0xcb, 0x20, 0x87]);
  });

  it('with the certificate cached, verify + sign takes 3 APDUs', async () => {
    const { driver, commands } = rig(provisioned);
    const count = await withSession(driver, async (s) => {
      await s.verifyPin(pin('123456'));
      const sig = await s.sign(SLOT.AUTHENTICATION, ALG.RSA2048, message);
      expect(cryptoVerify('sha256', message, new X509Certificate(certificate).publicKey, sig)).toBe(true);
      return s.apduCount;
    }, { extendedLength: true });
    expect(count).toBe(3);
    expect(commands).toHaveLength(3);
  });
});

describe('fault injection', () => {
  it('a card that vanishes fails the transaction with card-removed and is reported removed', async () => {
    const { driver } = rig();
    const removed: string[] = [];
    driver.on('card-removed', (name) => removed.push(name));
    driver.faults('Reader 1').vanishAfter(1);
    const err = await rejection(withSession(driver, (s) => s.pinStatus()));
    expect(err).toBeInstanceOf(CardError);
    expect(err).toMatchObject({ code: 'card-removed' });
    expect(removed).toEqual(['Reader 1']);
    expect(driver.readers()[0]).toEqual({ name: 'Reader 1', cardPresent: false });
    expect(driver.cardIn('Reader 1')).toBeUndefined();
    expect(await rejection(withSession(driver, (s) => s.pinStatus()))).toMatchObject({ code: 'card-removed' });
  });

  it("'after-processing': the PIN change took effect although the host saw the card vanish", async () => {
    const { driver, engine, persisted } = rig();
    driver.faults('Reader 1').vanishAfter(1, 'after-processing'); // SELECT answered, CHANGE lost on the way back
    const err = await rejection(withSession(driver, (s) => s.changePin(pin('123456'), pin('246810'))));
    expect(err).toMatchObject({ code: 'card-removed' });
    expect(persisted).toHaveLength(1);

    driver.insert('Reader 1', engine);
    await withSession(driver, async (s) => {
      expect(await rejection(s.verifyPin(pin('123456')))).toMatchObject({ code: 'wrong-passcode' });
      await s.verifyPin(pin('246810'));
    });
  });

  it("'before-processing': the PIN change never reached the card", async () => {
    const { driver, engine, persisted } = rig();
    driver.faults('Reader 1').vanishAfter(1, 'before-processing');
    const err = await rejection(withSession(driver, (s) => s.changePin(pin('123456'), pin('246810'))));
    expect(err).toMatchObject({ code: 'card-removed' });
    expect(persisted).toHaveLength(0);

    driver.insert('Reader 1', engine);
    await withSession(driver, async (s) => {
      expect(await s.pinStatus()).toEqual({ verified: false, attemptsRemaining: 3 });
      await s.verifyPin(pin('123456'));
    });
  });

  it('a re-inserted card has lost its volatile state and the fault plan is spent', async () => {
    const { driver, engine } = rig();
    await withSession(driver, (s) => s.verifyPin(pin('123456')));
    driver.faults('Reader 1').vanishAfter(0);
    expect(await rejection(withSession(driver, (s) => s.pinStatus()))).toMatchObject({ code: 'card-removed' });
    driver.insert('Reader 1', engine);
    expect(await withSession(driver, (s) => s.pinStatus())).toEqual({ verified: false, attemptsRemaining: 3 });
  });

  it('pulling the card between two commands fails the next command with card-removed', async () => {
    const { driver } = rig();
    const err = await rejection(
      withSession(driver, async (s) => {
        await s.pinStatus();
        driver.remove('Reader 1');
        await s.pinStatus();
      }),
    );
    expect(err).toMatchObject({ code: 'card-removed' });
  });
});

describe('concurrency', () => {
  it('two readers work at once, each with its own card', async () => {
    const driver = new InProcessReaderDriver();
    const order: string[] = [];
    const one = recordingEngine(provisioned);
    const stateTwo = structuredClone(provisioned);
    stateTwo.serial = FIXED_SERIAL + 1;
    const two = recordingEngine(stateTwo);
    driver.insert('Reader 1', one.engine);
    driver.insert('Reader 2', two.engine);
    const flow = (reader: string) =>
      withSession(driver, async (s) => {
        order.push(`${reader}:start`);
        const serial = await s.serial();
        await s.verifyPin(pin('123456'));
        const sig = await s.sign(SLOT.AUTHENTICATION, ALG.RSA2048, message);
        order.push(`${reader}:end`);
        return { serial, sig };
      }, { reader });
    const [a, b] = await Promise.all([flow('Reader 1'), flow('Reader 2')]);
    expect(a.serial).toBe(FIXED_SERIAL);
    expect(b.serial).toBe(FIXED_SERIAL + 1);
    expect(cryptoVerify('sha256', message, cardPublicKey, a.sig)).toBe(true);
    expect(cryptoVerify('sha256', message, cardPublicKey, b.sig)).toBe(true);
    // Neither reader waited for the other.
    expect(order.slice(0, 2).sort()).toEqual(['Reader 1:start', 'Reader 2:start']);
    expect(one.commands.map((c) => c.ins)).toEqual([0xa4, 0xf8, 0x20, 0x87]);
    expect(two.commands.map((c) => c.ins)).toEqual([0xa4, 0xf8, 0x20, 0x87]);
  });

  it('transactions on the same reader run one after the other, even when one fails', async () => {
    const { driver, commands } = rig();
    const order: string[] = [];
    const flow = (name: string, fail: boolean) =>
      withSession(driver, async (s) => {
        order.push(`${name}:start`);
        await s.pinStatus();
        await s.serial();
        if (fail) throw new Error(`${name} failed`);
        await s.pinStatus();
        order.push(`${name}:end`);
        return name;
      });
    const results = await Promise.allSettled([flow('A', false), flow('B', true), flow('C', false)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(order).toEqual(['A:start', 'A:end', 'B:start', 'C:start', 'C:end']);
    expect(commands.map((c) => c.ins)).toEqual([0xa4, 0x20, 0xf8, 0x20, 0xa4, 0x20, 0xf8, 0xa4, 0x20, 0xf8, 0x20]);
  });

  it('a second transaction does not interleave its commands inside a verify-then-sign flow', async () => {
    const { driver } = rig(provisioned);
    const signer = withSession(driver, async (s) => {
      await s.verifyPin(pin('123456'));
      await new Promise((r) => setTimeout(r, 5));
      return s.sign(SLOT.AUTHENTICATION, ALG.RSA2048, message);
    });
    const intruder = withSession(driver, (s) => s.logout());
    const [sig] = await Promise.all([signer, intruder]);
    expect(cryptoVerify('sha256', message, cardPublicKey, sig)).toBe(true);
  });
});
