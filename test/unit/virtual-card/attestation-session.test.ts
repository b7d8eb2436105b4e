import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApduChannel } from '../../../src-main/card/apdu-channel.js';
import { CardError } from '../../../src-main/card/card-error.js';
import { ALG, DEFAULT_MANAGEMENT_KEY, OBJECT, SLOT } from '../../../src-main/card/piv/piv-constants.js';
import { localManagementKeyResponder } from '../../../src-main/card/piv/piv-management-key.js';
import { PivSession } from '../../../src-main/card/piv/piv-session.js';
import { blankCardState } from '../../../src-main/virtual-card/blank-card.js';
import { InProcessReaderDriver } from '../../../src-main/virtual-card/in-process-readers.js';
import { PivCardEngine } from '../../../src-main/virtual-card/piv-card-engine.js';
import { loadOrCreateCardState, saveCardState } from '../../../src-main/virtual-card/state-file.js';
import { parseCertificateObject } from '../../../src-shared/card/piv-objects.js';
import type { VirtualCardState } from '../../../src-shared/card/virtual-card-state.js';
import { FIXED_SERIAL } from './support/card-fixtures.js';

// PivSession.attest over the in-process reader (short and extended APDUs), what it makes of a
// card without attestation, and the attestation key in the card's state file.

const READER = 'Reader 1';
const dir = mkdtempSync(join(tmpdir(), 'attestation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A PIV card that refuses ATTEST with `sw`, as a card without Yubico attestation does. */
class RefusingCard extends PivCardEngine {
  constructor(
    state: VirtualCardState,
    private readonly sw: number,
  ) {
    super(state);
  }
  override process(apdu: Uint8Array): Buffer {
    if (apdu[1] === 0xf9) return Buffer.from([this.sw >> 8, this.sw & 0xff]);
    return super.process(apdu);
  }
}

async function withSession<T>(engine: PivCardEngine, fn: (piv: PivSession) => Promise<T>, extendedLength = true): Promise<T> {
  const driver = new InProcessReaderDriver([READER]);
  driver.insert(READER, engine);
  try {
    return await driver.transaction(READER, async (transport) => {
      const piv = new PivSession(new ApduChannel(transport, { extendedLength }));
      await piv.select();
      return fn(piv);
    });
  } finally {
    await driver.close();
  }
}

/** GENERATE 9A (P-256) then ATTEST 9A: the new key and the attestation, and the F9 certificate. */
async function generateAndAttest(piv: PivSession) {
  await piv.authenticateManagementKey(localManagementKeyResponder(ALG.TDES, DEFAULT_MANAGEMENT_KEY));
  const key = await piv.generateKey(SLOT.AUTHENTICATION, ALG.ECC_P256);
  const attestation = await piv.attest(SLOT.AUTHENTICATION);
  const signer = parseCertificateObject((await piv.getData(OBJECT.YUBICO_ATTESTATION))!);
  return { key, attestation, signer: new X509Certificate(signer) };
}

describe('PivSession.attest', () => {
  it.each([
    ['extended', true],
    ['short (answer in parts)', false],
  ])('%s APDUs: the attestation of the key just generated, checked with the card\'s 5FFF01 certificate', async (_what, extended) => {
    const { key, attestation, signer } = await withSession(new PivCardEngine(blankCardState(FIXED_SERIAL)), generateAndAttest, extended);
    const certificate = new X509Certificate(attestation!);
    expect(certificate.verify(signer.publicKey)).toBe(true);
    expect(certificate.publicKey.equals(key)).toBe(true);
  });

  it('one command, needing neither the passcode nor the management key', async () => {
    const state = blankCardState(FIXED_SERIAL);
    const engine = new PivCardEngine(state);
    const { signer } = await withSession(engine, generateAndAttest);
    // A fresh session: nothing verified or authenticated.
    const counted = await withSession(new PivCardEngine(engine.snapshot()), async (piv) => {
      const before = piv.apduCount;
      const der = await piv.attest(SLOT.AUTHENTICATION);
      return { der, commands: piv.apduCount - before };
    });
    expect(counted.commands).toBe(1);
    expect(new X509Certificate(counted.der!).verify(signer.publicKey)).toBe(true);
  });

  it.each([
    ['6D00', 0x6d00],
    ['6A81', 0x6a81],
  ])('a card answering %s has no attestation: undefined', async (_what, sw) => {
    expect(await withSession(new RefusingCard(blankCardState(FIXED_SERIAL), sw), (piv) => piv.attest(SLOT.AUTHENTICATION))).toBeUndefined();
  });

  it('other refusals are card errors: an empty slot (6A88), an imported key (6A80)', async () => {
    const empty = await withSession(new PivCardEngine(blankCardState(FIXED_SERIAL)), (piv) => piv.attest(SLOT.AUTHENTICATION).catch((e: unknown) => e));
    expect(empty).toBeInstanceOf(CardError);
    expect((empty as CardError).code).toBe('reference-not-found');
    const refused = await withSession(new RefusingCard(blankCardState(FIXED_SERIAL), 0x6a80), (piv) => piv.attest(SLOT.AUTHENTICATION).catch((e: unknown) => e));
    expect(refused).toBeInstanceOf(CardError);
    expect((refused as CardError).code).toBe('wrong-data');
  });
});

describe('the attestation key in the state file', () => {
  it('is saved and loaded with the card', () => {
    const path = join(dir, 'with.json');
    const state = blankCardState(FIXED_SERIAL);
    saveCardState(path, state);
    expect(loadOrCreateCardState(path).state.attestation).toEqual(state.attestation);
  });

  it('a state file written before cards had one still loads, as a card without attestation', async () => {
    const path = join(dir, 'without.json');
    const { attestation: _none, ...old } = blankCardState(FIXED_SERIAL);
    writeFileSync(path, JSON.stringify(old));
    const { state, created } = loadOrCreateCardState(path);
    expect(created).toBe(false);
    expect(state.attestation).toBeUndefined();
    expect(JSON.parse(readFileSync(path, 'utf8'))).not.toHaveProperty('attestation');
    const attestation = await withSession(new PivCardEngine(state), async (piv) => {
      await piv.authenticateManagementKey(localManagementKeyResponder(ALG.TDES, DEFAULT_MANAGEMENT_KEY));
      await piv.generateKey(SLOT.AUTHENTICATION, ALG.ECC_P256);
      expect(await piv.getData(OBJECT.YUBICO_ATTESTATION)).toBeUndefined();
      return piv.attest(SLOT.AUTHENTICATION);
    });
    expect(attestation).toBeUndefined();
  });
});
