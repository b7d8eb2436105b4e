import { createHash, randomBytes, verify, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApduChannel } from '../../src-main/card/apdu-channel.js';
import { parseAtr } from '../../src-main/card/atr.js';
import { ALG, DEFAULT_MANAGEMENT_KEY, SLOT } from '../../src-main/card/piv/piv-constants.js';
import { localManagementKeyResponder } from '../../src-main/card/piv/piv-management-key.js';
import { PivSession } from '../../src-main/card/piv/piv-session.js';
import { CardBlockedError, WrongPasscodeError } from '../../src-main/card/status-words.js';
import { PcscReaderDriver } from '../../src-main/pcsc/pcsc-reader-driver.js';
import type { CommandRecord } from '../../src-main/virtual-card/piv-card-engine.js';
import { untilCardPresent, waitFor } from './support/pcsc.js';
import { runTool, type ToolResult } from './support/run-tool.js';
import { makeTestCard, READER, tempDir, type TestCard } from './support/virtual-card.js';

// Conformance against tools nobody here wrote: yubico-piv-tool 2.2.0, OpenSC (opensc-tool,
// pkcs15-tool, pkcs11-tool with opensc-pkcs11.so) and openssl, all talking to our virtual card
// through the real pcscd and the real vpcd reader "Virtual PCD 00 00". Our own card edge
// (PcscReaderDriver + ApduChannel + PivSession) then works on the same card and must agree with them.
// The card lives in this process's event loop: every tool runs through the asynchronous runTool.

const CARD_SLOT = 0 as const;
const READER_NAME = READER[CARD_SLOT];
/** OpenSC's reader index for opensc-tool / pkcs15-tool (readers are listed in vpcd slot order). */
const OPENSC_READER = String(CARD_SLOT);
const PKCS11_MODULE = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';

const FACTORY_PIN = '123456';
const FACTORY_PUK = '12345678';
const WRONG_PIN = '999999';

// Every tool is pointed at our reader explicitly, so nothing depends on which reader it would pick.
const ykpiv = (args: string[], cwd?: string): Promise<ToolResult> => runTool('yubico-piv-tool', ['-r', READER_NAME, ...args], { cwd });
const openscTool = (args: string[]): Promise<ToolResult> => runTool('opensc-tool', ['--reader', OPENSC_READER, ...args]);
const pkcs15Tool = (args: string[]): Promise<ToolResult> => runTool('pkcs15-tool', ['--reader', OPENSC_READER, ...args]);
const pkcs11Tool = (args: string[], cwd?: string): Promise<ToolResult> =>
  runTool('pkcs11-tool', ['--module', PKCS11_MODULE, '--slot-description', READER_NAME, ...args], { cwd });

/** Asserts a zero exit status, with the tool's output in the failure message. */
function succeeded(result: ToolResult, what: string): ToolResult {
  expect(result.code, `${what} failed:\n${result.output}`).toBe(0);
  return result;
}

const sha256Hex = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
const pemToDer = (pem: string): Buffer => new X509Certificate(pem).raw;

/** pkcs15-tool -D prints one object per paragraph; returns the paragraph that starts with `heading`. */
function pkcs15Object(dump: string, heading: string): string | undefined {
  return dump.split(/\n\s*\n/).find((block) => block.trimStart().startsWith(heading));
}

/**
 * Certificate for `publicKeyPem`, issued by a throwaway test CA made with openssl in `dir`.
 *
 * Why not `yubico-piv-tool -a selfsign-certificate` / `-a request-certificate`: yubico-piv-tool
 * 2.2.0 built against OpenSSL 3 fails both on the host side ("Failed signing certificate.")
 * before it sends a single APDU (upstream Yubico/yubico-piv-tool issue #388). That is a defect of
 * the tool, not of the card, so the certificate is made by openssl for the card's public key
 * (`-force_pubkey`) and then imported onto the card like any issued certificate.
 */
async function certificateFor(dir: string, publicKeyPem: string, subject: string): Promise<{ pem: string; der: Buffer }> {
  writeFileSync(join(dir, 'subject-pub.pem'), publicKeyPem);
  succeeded(
    await runTool('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=test-ca', '-days', '2'], {
      cwd: dir,
    }),
    'openssl req (test CA)',
  );
  succeeded(
    await runTool(
      'openssl',
      ['x509', '-new', '-force_pubkey', 'subject-pub.pem', '-subj', `/CN=${subject}`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-days', '1', '-out', 'cert.pem'],
      { cwd: dir },
    ),
    'openssl x509 -new -force_pubkey',
  );
  const pem = readFileSync(join(dir, 'cert.pem'), 'utf8');
  return { pem, der: pemToDer(pem) };
}

let driver: PcscReaderDriver;

/** Runs `operation` on a selected PIV session over our own PC/SC driver, in one transaction. */
function withOurCardEdge<T>(operation: (piv: PivSession, atr: Buffer) => Promise<T>): Promise<T> {
  return driver.transaction(READER_NAME, async (transport, atr) => {
    const channel = new ApduChannel(transport, { extendedLength: parseAtr(atr).extendedLength });
    const piv = new PivSession(channel);
    await piv.select();
    return operation(piv, atr);
  });
}

/** A fresh factory-default card in our reader, once pcscd (as seen by our driver) has noticed it. */
async function insertBlankCard(): Promise<TestCard> {
  const card = makeTestCard(CARD_SLOT);
  await card.insert();
  await untilCardPresent(driver, READER_NAME);
  return card;
}

/** Pulls the card and waits until pcscd has seen it go, so the next test starts with an empty reader. */
async function removeCard(card: TestCard | undefined): Promise<void> {
  if (!card) return;
  const present = driver.readers().some((r) => r.name === READER_NAME && r.cardPresent);
  const gone = present ? waitFor(driver, 'card-removed', READER_NAME) : Promise.resolve();
  await card.remove();
  await gone;
}

const pin = (text: string): Buffer => Buffer.from(text, 'utf8');
const record = (ins: number, p1: number, p2: number, sw: number): Partial<CommandRecord> => ({ ins, p1, p2, sw });

beforeAll(async () => {
  driver = new PcscReaderDriver();
  driver.start();
  for (const name of READER) {
    if (!driver.readers().some((r) => r.name === name)) await waitFor(driver, 'reader-added', name);
  }
  // Let the first status of each reader arrive, then make sure nobody else has a card in them:
  // a leftover virtual card (e.g. `npm run vcard`) would silently take our place in vpcd.
  await new Promise((r) => setTimeout(r, 1000));
  const occupied = driver.readers().filter((r) => r.cardPresent).map((r) => r.name);
  expect(occupied, 'the vpcd readers must be empty before this file runs (stop any other virtual card)').toEqual([]);
});

afterAll(async () => {
  // Both readers are empty again: every card this file inserted has been pulled, and no card
  // ever stayed in the other reader, so the next test file finds the readers as we did.
  const left = driver?.readers().filter((r) => r.cardPresent).map((r) => r.name);
  await driver?.close();
  expect(left).toEqual([]);
});

describe('a card provisioned by yubico-piv-tool: RSA-2048 key in 9A, certificate made by openssl', () => {
  let card: TestCard;
  let dir: string;
  let generated: ToolResult;
  let imported: ToolResult;
  let generatedPublicKeyPem: string;
  let cert: { pem: string; der: Buffer };

  beforeAll(async () => {
    card = await insertBlankCard();
    dir = tempDir('conformance-9a-');
    // Key generation on the card (default RSA2048, default 3DES management key).
    generated = await ykpiv(['-a', 'generate', '-s', '9a', '-o', 'pub.pem'], dir);
    succeeded(generated, 'yubico-piv-tool -a generate');
    generatedPublicKeyPem = readFileSync(join(dir, 'pub.pem'), 'utf8');
    // selfsign-certificate is broken in yubico-piv-tool 2.2.0 + OpenSSL 3 (see certificateFor).
    cert = await certificateFor(dir, generatedPublicKeyPem, 'conformance');
    imported = await ykpiv(['-a', 'import-certificate', '-s', '9a', '-i', 'cert.pem'], dir);
    succeeded(imported, 'yubico-piv-tool -a import-certificate');
  }, 120_000);

  afterAll(async () => {
    await removeCard(card);
  });

  it('yubico-piv-tool generates the key and imports the certificate; its status shows the subject and 3 PIN tries', async () => {
    expect(generated.output).toContain('Successfully generated a new private key.');
    expect(imported.output).toContain('Successfully imported a new certificate.');
    // The certificate openssl issued carries exactly the public key the card generated.
    const x509 = new X509Certificate(cert.pem);
    expect(x509.publicKey.export({ type: 'spki', format: 'der' })).toEqual(
      Buffer.from(generatedPublicKeyPem.replace(/-----[^-]+-----|\s/g, ''), 'base64'),
    );

    const status = succeeded(await ykpiv(['-a', 'status']), 'yubico-piv-tool -a status').stdout;
    expect(status).toMatch(/^Version:\t5\.4\.3$/m);
    expect(status).toMatch(/^Slot 9a:/m);
    expect(status).toMatch(/^\tAlgorithm:\tRSA2048$/m);
    expect(status).toMatch(/^\tSubject DN:\tCN=conformance$/m);
    expect(status).toMatch(/^\tIssuer DN:\tCN=test-ca$/m);
    expect(status).toContain(`\tFingerprint:\t${sha256Hex(cert.der)}`);
    expect(status).toMatch(/^PIN tries left:\t3$/m);
  });

  it('OpenSC names the card PIV and lists the 9A certificate and private RSA key', async () => {
    const name = succeeded(await openscTool(['-n']), 'opensc-tool -n');
    expect(name.stdout.trim()).toBe('Personal Identity Verification Card');

    const dump = succeeded(await pkcs15Tool(['-D']), 'pkcs15-tool -D').stdout;
    const certificate = pkcs15Object(dump, 'X.509 Certificate [Certificate for PIV Authentication]');
    expect(certificate, dump).toBeDefined();
    expect(certificate).toMatch(/ID\s+: 01$/m);
    const privateKey = pkcs15Object(dump, 'Private RSA Key [PIV AUTH key]');
    expect(privateKey, dump).toBeDefined();
    expect(privateKey).toMatch(/ModLength\s+: 2048$/m);
    expect(privateKey).toMatch(/Key ref\s+: 154 \(0x9A\)$/m);
    expect(privateKey).toMatch(/ID\s+: 01$/m);
    // Nothing in the other slots of a card that only has a 9A key.
    expect(dump).not.toMatch(/Private (RSA|EC) Key \[(SIGN|KEY MAN|CARD AUTH) key\]/);

    // And the certificate OpenSC reads back is byte for byte the one openssl issued.
    const readBack = succeeded(await pkcs15Tool(['--read-certificate', '01']), 'pkcs15-tool --read-certificate 01');
    expect(pemToDer(readBack.stdout)).toEqual(cert.der);
  });

  it('pkcs11-tool signs with SHA256-RSA-PKCS; the signature verifies with the certificate, and not for another message', async () => {
    const data = randomBytes(100);
    writeFileSync(join(dir, 'p11-data.bin'), data);
    const result = await pkcs11Tool(
      ['--login', '--pin', FACTORY_PIN, '--sign', '-m', 'SHA256-RSA-PKCS', '--id', '01', '-i', 'p11-data.bin', '-o', 'p11-sig.bin'],
      dir,
    );
    succeeded(result, 'pkcs11-tool --sign');
    const signature = readFileSync(join(dir, 'p11-sig.bin'));
    expect(signature).toHaveLength(256);
    const publicKey = new X509Certificate(cert.pem).publicKey;
    expect(verify('sha256', data, publicKey, signature)).toBe(true);
    const other = Buffer.from(data);
    other[0] = (other[0] as number) ^ 0x01;
    expect(verify('sha256', other, publicKey, signature)).toBe(false);
  });

  it('our card edge reads the same certificate, verifies the PIN and signs exactly as pkcs11-tool does', async () => {
    const message = randomBytes(32);
    const logStart = card.log.length;

    const ours = await withOurCardEdge(async (piv, atr) => {
      expect(parseAtr(atr).extendedLength).toBe(true);
      const der = await piv.readCertificate(SLOT.AUTHENTICATION);
      await piv.verifyPin(pin(FACTORY_PIN));
      const signature = await piv.sign(SLOT.AUTHENTICATION, ALG.RSA2048, message);
      return { der, signature };
    });

    expect(ours.der).toEqual(cert.der);
    const publicKey = new X509Certificate(cert.pem).publicKey;
    expect(verify('sha256', message, publicKey, ours.signature)).toBe(true);
    // The card's own log: our GENERAL AUTHENTICATE went out as one extended APDU (7C 82 01 06 ...)
    // for key 9A, RSA-2048, and the card answered 9000.
    expect(card.log.slice(logStart)).toContainEqual(expect.objectContaining({ ...record(0x87, 0x07, 0x9a, 0x9000), nc: 266 }));

    // PKCS#1 v1.5 is deterministic: pkcs11-tool must produce the very same bytes for the same message.
    writeFileSync(join(dir, 'same-msg.bin'), message);
    succeeded(
      await pkcs11Tool(['--login', '--pin', FACTORY_PIN, '--sign', '-m', 'SHA256-RSA-PKCS', '--id', '01', '-i', 'same-msg.bin', '-o', 'same-sig.bin'], dir),
      'pkcs11-tool --sign',
    );
    expect(readFileSync(join(dir, 'same-sig.bin'))).toEqual(ours.signature);
  });
});

describe('a card provisioned by our card edge: P-256 key in 9C, certificate written by PivSession', () => {
  let card: TestCard;
  let dir: string;
  let cert: { pem: string; der: Buffer };

  beforeAll(async () => {
    card = await insertBlankCard();
    dir = tempDir('conformance-9c-');
    const publicKey = await withOurCardEdge(async (piv) => {
      await piv.authenticateManagementKey(localManagementKeyResponder(ALG.TDES, DEFAULT_MANAGEMENT_KEY));
      return piv.generateKey(SLOT.SIGNATURE, ALG.ECC_P256);
    });
    expect(publicKey.asymmetricKeyType).toBe('ec');
    cert = await certificateFor(dir, publicKey.export({ type: 'spki', format: 'pem' }).toString(), 'edge-signer');
    await withOurCardEdge(async (piv) => {
      await piv.authenticateManagementKey(localManagementKeyResponder(ALG.TDES, DEFAULT_MANAGEMENT_KEY));
      await piv.writeCertificate(SLOT.SIGNATURE, cert.der);
    });
  }, 120_000);

  afterAll(async () => {
    await removeCard(card);
  });

  it('pkcs15-tool lists the digital signature certificate and the private EC key at 9C; yubico-piv-tool shows it too', async () => {
    const dump = succeeded(await pkcs15Tool(['-D']), 'pkcs15-tool -D').stdout;
    const certificate = pkcs15Object(dump, 'X.509 Certificate [Certificate for Digital Signature]');
    expect(certificate, dump).toBeDefined();
    expect(certificate).toMatch(/ID\s+: 02$/m);
    const privateKey = pkcs15Object(dump, 'Private EC Key [SIGN key]');
    expect(privateKey, dump).toBeDefined();
    expect(privateKey).toMatch(/Key ref\s+: 156 \(0x9C\)$/m);
    expect(privateKey).toMatch(/ID\s+: 02$/m);
    expect(dump).not.toContain('Certificate for PIV Authentication]');

    const readBack = succeeded(await pkcs15Tool(['--read-certificate', '02']), 'pkcs15-tool --read-certificate 02');
    expect(pemToDer(readBack.stdout)).toEqual(cert.der);

    const status = succeeded(await ykpiv(['-a', 'status']), 'yubico-piv-tool -a status').stdout;
    expect(status).toMatch(/^Slot 9c:\s*\n\tAlgorithm:\tECCP256\n\tSubject DN:\tCN=edge-signer$/m);
    expect(status).toContain(`\tFingerprint:\t${sha256Hex(cert.der)}`);
  });

  it('pkcs11-tool signs with ECDSA-SHA256 using key 02, in both signature formats, and node:crypto verifies both', async () => {
    const data = randomBytes(64);
    writeFileSync(join(dir, 'ec-data.bin'), data);
    const publicKey = new X509Certificate(cert.pem).publicKey;
    const sign = (format: string, out: string): Promise<ToolResult> =>
      pkcs11Tool(
        ['--login', '--pin', FACTORY_PIN, '--sign', '-m', 'ECDSA-SHA256', '--id', '02', '--signature-format', format, '-i', 'ec-data.bin', '-o', out],
        dir,
      );

    // DER SEQUENCE { r, s }, as openssl and node:crypto expect by default.
    succeeded(await sign('openssl', 'ec-sig.der'), 'pkcs11-tool --sign -m ECDSA-SHA256 --signature-format openssl');
    const der = readFileSync(join(dir, 'ec-sig.der'));
    expect(der[0]).toBe(0x30);
    expect(verify('sha256', data, publicKey, der)).toBe(true);
    expect(verify('sha256', Buffer.concat([data, Buffer.from([0])]), publicKey, der)).toBe(false);

    // pkcs11-tool's default: raw r || s, 64 bytes for P-256.
    succeeded(await sign('rs', 'ec-sig.rs'), 'pkcs11-tool --sign -m ECDSA-SHA256 --signature-format rs');
    const rs = readFileSync(join(dir, 'ec-sig.rs'));
    expect(rs).toHaveLength(64);
    expect(verify('sha256', data, { key: publicKey, dsaEncoding: 'ieee-p1363' }, rs)).toBe(true);
  });

  it('9C is PIN-always: our card edge must verify the PIN right before each signature', async () => {
    const message = randomBytes(32);
    const publicKey = new X509Certificate(cert.pem).publicKey;
    const logStart = card.log.length;
    const signatures = await withOurCardEdge(async (piv) => {
      await piv.verifyPin(pin(FACTORY_PIN));
      const first = await piv.sign(SLOT.SIGNATURE, ALG.ECC_P256, message);
      // A second signature without a fresh VERIFY is refused by the card.
      const refused = await piv.sign(SLOT.SIGNATURE, ALG.ECC_P256, message).then(
        () => undefined,
        (err: unknown) => err,
      );
      await piv.verifyPin(pin(FACTORY_PIN));
      const second = await piv.sign(SLOT.SIGNATURE, ALG.ECC_P256, message);
      return { first, refused, second };
    });
    expect(signatures.refused).toMatchObject({ sw: 0x6982 });
    expect(verify('sha256', message, publicKey, signatures.first)).toBe(true);
    expect(verify('sha256', message, publicKey, signatures.second)).toBe(true);
    expect(card.log.slice(logStart).filter((r) => r.ins === 0x87 && r.p2 === 0x9c).map((r) => r.sw)).toEqual([0x9000, 0x6982, 0x9000]);
  });
});

describe('PIN blocking and unblocking: yubico-piv-tool, pkcs11-tool and our card edge agree', () => {
  let card: TestCard | undefined;
  let dir: string;

  beforeEach(async () => {
    card = await insertBlankCard();
    dir = tempDir('conformance-pin-');
  });

  afterEach(async () => {
    await removeCard(card);
    card = undefined;
  });

  async function blockWithYubicoPivTool(): Promise<string[]> {
    const messages: string[] = [];
    for (let i = 0; i < 3; i++) {
      const result = await ykpiv(['-a', 'verify-pin', '-P', WRONG_PIN]);
      expect(result.code, result.output).not.toBe(0);
      messages.push(result.output.trim());
    }
    return messages;
  }

  const pkcs11Login = (value: string): Promise<ToolResult> => pkcs11Tool(['--login', '--pin', value, '--list-objects'], dir);

  it('three wrong PINs through yubico-piv-tool block the PIN; yubico-piv-tool, pkcs11-tool and PivSession all see it blocked', async () => {
    const messages = await blockWithYubicoPivTool();
    expect(messages).toEqual([
      'Pin verification failed, 2 tries left before pin is blocked.',
      'Pin verification failed, 1 tries left before pin is blocked.',
      'Pin code blocked, use unblock-pin action to unblock.',
    ]);

    const status = succeeded(await ykpiv(['-a', 'status']), 'yubico-piv-tool -a status').stdout;
    expect(status).toMatch(/^PIN tries left:\t0$/m);

    // Even the right PIN is refused now.
    const login = await pkcs11Login(FACTORY_PIN);
    expect(login.code).not.toBe(0);
    expect(login.output).toContain('CKR_PIN_LOCKED');
    const ykVerify = await ykpiv(['-a', 'verify-pin', '-P', FACTORY_PIN]);
    expect(ykVerify.code).not.toBe(0);
    expect(ykVerify.output).toContain('Pin code blocked');

    const ours = await withOurCardEdge(async (piv) => {
      const status = await piv.pinStatus();
      const error = await piv.verifyPin(pin(FACTORY_PIN)).then(
        () => undefined,
        (err: unknown) => err,
      );
      return { status, error };
    });
    expect(ours.status).toEqual({ verified: false, attemptsRemaining: 0 });
    expect(ours.error).toBeInstanceOf(CardBlockedError);
    expect(ours.error).toMatchObject({ sw: 0x6983, reference: 'PIN' });
  });

  it('yubico-piv-tool unblock-pin and change-pin restore the PIN; pkcs11-tool and PivSession accept the new values', async () => {
    await blockWithYubicoPivTool();

    const unblock = await ykpiv(['-a', 'unblock-pin', '-P', FACTORY_PUK, '-N', '654321']);
    succeeded(unblock, 'yubico-piv-tool -a unblock-pin');
    expect(unblock.output).toContain('Successfully unblocked the pin code.');
    expect(succeeded(await ykpiv(['-a', 'status']), 'yubico-piv-tool -a status').stdout).toMatch(/^PIN tries left:\t3$/m);

    succeeded(await pkcs11Login('654321'), 'pkcs11-tool --login --pin 654321');
    const oldPin = await pkcs11Login(FACTORY_PIN);
    expect(oldPin.code).not.toBe(0);
    expect(oldPin.output).toContain('CKR_PIN_INCORRECT');

    // The wrong try above cost one attempt; the right PIN in change-pin restores the counter.
    const change = await ykpiv(['-a', 'change-pin', '-P', '654321', '-N', FACTORY_PIN]);
    succeeded(change, 'yubico-piv-tool -a change-pin');
    expect(change.output).toContain('Successfully changed the pin code.');
    const verified = await ykpiv(['-a', 'verify-pin', '-P', FACTORY_PIN]);
    succeeded(verified, 'yubico-piv-tool -a verify-pin');
    expect(verified.output).toContain('Successfully verified PIN.');

    const ours = await withOurCardEdge(async (piv) => {
      const before = await piv.pinStatus();
      await piv.verifyPin(pin(FACTORY_PIN));
      return { before, after: await piv.pinStatus() };
    });
    expect(ours.before).toEqual({ verified: false, attemptsRemaining: 3 });
    expect(ours.after).toEqual({ verified: true });
  });

  it('PivSession blocks, unblocks and changes the PIN; yubico-piv-tool and pkcs11-tool see the same card', async () => {
    const logStart = card?.log.length ?? 0;
    const blocking = await withOurCardEdge(async (piv) => {
      const errors: unknown[] = [];
      for (let i = 0; i < 3; i++) errors.push(await piv.verifyPin(pin(WRONG_PIN)).catch((err: unknown) => err));
      return { errors, status: await piv.pinStatus() };
    });
    expect(blocking.errors.map((e) => (e instanceof WrongPasscodeError ? e.attemptsRemaining : e))).toEqual([2, 1, 0]);
    expect(blocking.status).toEqual({ verified: false, attemptsRemaining: 0 });
    expect(card?.log.slice(logStart).filter((r) => r.ins === 0x20 && r.nc === 8).map((r) => r.sw)).toEqual([0x63c2, 0x63c1, 0x63c0]);

    // yubico-piv-tool sees the block our card edge caused.
    expect(succeeded(await ykpiv(['-a', 'status']), 'yubico-piv-tool -a status').stdout).toMatch(/^PIN tries left:\t0$/m);
    expect((await pkcs11Login(FACTORY_PIN)).output).toContain('CKR_PIN_LOCKED');

    await withOurCardEdge((piv) => piv.unblockPin(pin(FACTORY_PUK), pin('24681357')));

    const ykVerify = await ykpiv(['-a', 'verify-pin', '-P', '24681357']);
    succeeded(ykVerify, 'yubico-piv-tool -a verify-pin with the PIN set by PivSession.unblockPin');
    expect(ykVerify.output).toContain('Successfully verified PIN.');
    expect(succeeded(await ykpiv(['-a', 'status']), 'yubico-piv-tool -a status').stdout).toMatch(/^PIN tries left:\t3$/m);

    await withOurCardEdge((piv) => piv.changePin(pin('24681357'), pin('86420135')));

    succeeded(await pkcs11Login('86420135'), 'pkcs11-tool --login with the PIN set by PivSession.changePin');
    const oldPin = await ykpiv(['-a', 'verify-pin', '-P', '24681357']);
    expect(oldPin.code).not.toBe(0);
    expect(oldPin.output).toContain('Pin verification failed, 2 tries left before pin is blocked.');
    // The PUK was never spent: yubico-piv-tool can still use it.
    succeeded(await ykpiv(['-a', 'unblock-pin', '-P', FACTORY_PUK, '-N', FACTORY_PIN]), 'yubico-piv-tool -a unblock-pin after PivSession');
    succeeded(await ykpiv(['-a', 'verify-pin', '-P', FACTORY_PIN]), 'yubico-piv-tool -a verify-pin');
  });
});
