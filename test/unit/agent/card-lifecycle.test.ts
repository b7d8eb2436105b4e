import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { clearCard, CardNoLongerBlankError } from '../../../src-main/agent/card-clear.js';
import { CardNotBlankError, issueCard } from '../../../src-main/agent/card-issue.js';
import type { LifecycleStage } from '../../../src-main/agent/card-lifecycle-types.js';
import { readCardReadout } from '../../../src-main/agent/card-readout.js';
import { repairCard } from '../../../src-main/agent/card-repair.js';
import { RenewalCertificateMismatchError } from '../../../src-main/agent/renewal-card.js';
import { CardError } from '../../../src-main/card/card-error.js';
import { KEY_REF } from '../../../src-main/card/piv/piv-constants.js';
import { WrongPasscodeError } from '../../../src-main/card/status-words.js';
import { blankCardState } from '../../../src-main/virtual-card/blank-card.js';
import type { CertificateAuthority } from '../../../src-service/ca/certificate-authority.js';
import { issueAuthenticationCertificate } from '../../../src-service/ca/authentication-certificate.js';
import { isBlankReadout } from '../../../src-shared/api/cim-cards.js';
import type { AsymmetricAlgorithm } from '../../../src-shared/card/virtual-card-state.js';
import {
  acceptsManagementKey,
  blankCardInReader,
  commandName,
  onCard,
  READER,
  signsWithPasscode,
  slot9a,
  type CardInReader,
} from './support/card-lifecycle-rig.js';
import { HOLDER, HOLDER_NAME, openIssue, serviceKeyRelay, testCertificateAuthority, type IssueOperation } from './support/card-service-stand-in.js';

// Issuing, clearing and repairing a card, card side, on the software PIV card in an in-process
// reader; the service's half (CA, management key, PUK) played with real cryptography.

const PASSCODE = '24681357';
let ca: CertificateAuthority;
let card: CardInReader | undefined;

beforeAll(() => {
  ca = testCertificateAuthority();
});
afterEach(async () => {
  await card?.readers.close();
  card = undefined;
});

async function issue(c: CardInReader, algorithm: AsymmetricAlgorithm, o: { resetFirst?: boolean; passcode?: string; issueForAnotherKey?: boolean } = {}) {
  const readout = await readCardReadout(c.readers, READER);
  const op = openIssue(ca, readout, { issueForAnotherKey: o.issueForAnotherKey ?? false });
  const stages: LifecycleStage[] = [];
  const passcode = Buffer.from(o.passcode ?? PASSCODE, 'ascii');
  const from = c.commands.length;
  const result = await issueCard({
    readers: c.readers,
    reader: READER,
    passcode,
    algorithm,
    cardUuid: op.cardUuid,
    holderName: HOLDER_NAME,
    resetFirst: o.resetFirst ?? false,
    relay: op.relay,
    onStage: (s) => stages.push(s),
  });
  return { op, result, stages, passcode, commands: c.commands.slice(from) };
}

const clear = (c: CardInReader, op: IssueOperation | null) =>
  clearCard({ readers: c.readers, reader: READER, relay: op === null ? null : serviceKeyRelay(op.managementKey) });

describe('reading a card before it is issued', () => {
  it('rule: a blank card reads as blank, with its serial, version and attestation certificate, and is left as it was', async () => {
    const state = blankCardState(4242);
    card = blankCardInReader(state);
    const before = card.engine.snapshot();
    const readout = await readCardReadout(card.readers, READER);
    expect(readout).toEqual({
      serial: 4242,
      chuidUuid: null,
      certificateSerial: null,
      factoryManagementKey: true,
      hasAuthenticationKey: false,
      attestationCertificate: state.attestation!.certificate,
      version: '5.4.3',
    });
    expect(isBlankReadout(readout)).toBe(true);
    expect(card.engine.snapshot()).toEqual(before);
  });
});

describe('reading an issued card', () => {
  it('rule: reading an issued card costs it nothing: no passcode try, nothing changed, and the factory key is refused', async () => {
    card = blankCardInReader();
    await issue(card, 'p256');
    const before = card.engine.snapshot();
    const readout = await readCardReadout(card.readers, READER);
    expect(readout.factoryManagementKey).toBe(false);
    expect(isBlankReadout(readout)).toBe(false);
    expect(card.engine.snapshot()).toEqual(before);
  });

  it('rule: a card whose factory management key is AES-192 (newer YubiKeys) reads as blank and is issued', async () => {
    const state = blankCardState();
    state.managementKey = { algorithm: 'aes192', key: state.managementKey.key };
    card = blankCardInReader(state);
    expect(isBlankReadout(await readCardReadout(card.readers, READER))).toBe(true);
    await issue(card, 'p256');
    expect(await signsWithPasscode(card, PASSCODE, 'p256')).toBe(true);
  });
});

describe.each(['rsa2048', 'p256'] as const)('issuing a blank card (%s)', (algorithm) => {
  it('rule: the issued card signs with the chosen passcode and holds the certificate for its key and the CHUID', async () => {
    card = blankCardInReader();
    const { op, result, stages, passcode, commands } = await issue(card, algorithm);
    expect(commands).toHaveLength(result.apdus);
    expect(passcode.every((b) => b === 0)).toBe(true);
    expect(result.certificate.equals(op.issued[0]!)).toBe(true);
    expect(await signsWithPasscode(card, PASSCODE, algorithm)).toBe(true);
    expect(await slot9a(card)).toBe('certificate-with-its-key');
    const readout = await readCardReadout(card.readers, READER);
    expect(readout.chuidUuid).toBe(op.cardUuid);
    expect(readout.certificateSerial).toBe(new X509Certificate(result.certificate).serialNumber.toLowerCase());
    expect(readout.hasAuthenticationKey).toBe(true);
    expect(isBlankReadout(readout)).toBe(false);
    expect(stages).toEqual(['checking-card', 'making-key', 'writing-certificate', 'setting-passcode', 'setting-keys', 'checking-card']);
    const names = commands.map(commandName);
    expect(names.filter((n) => n !== 'GET RESPONSE')).toEqual([
      'SELECT',
      'GET METADATA 9B',
      'GENERAL AUTHENTICATE 9B',
      'GENERAL AUTHENTICATE 9B',
      'VERIFY',
      'GET METADATA 80',
      'GET METADATA 81',
      'GENERATE 9A',
      'ATTEST 9A',
      'GENERAL AUTHENTICATE 9A',
      'PUT DATA',
      'PUT DATA',
      'CHANGE REFERENCE DATA 81',
      'CHANGE REFERENCE DATA 80',
      'SET MANAGEMENT KEY',
      'GENERAL AUTHENTICATE 9B',
      'GENERAL AUTHENTICATE 9B',
    ]);
  });

  it("rule: the issued card's PUK is the service's, the factory management key is refused and the service's accepted", async () => {
    card = blankCardInReader();
    const { op } = await issue(card, algorithm);
    expect((await readCardReadout(card.readers, READER)).factoryManagementKey).toBe(false);
    expect(await acceptsManagementKey(card, op.managementKey)).toBe(true);
    // The factory PUK is refused; the service's unlocks the card (on a copy, as it spends tries).
    const copy = blankCardInReader(card.engine.snapshot());
    await card.readers.close();
    card = copy;
    await expect(onCard(card, (piv) => piv.unblockPin(Buffer.from('12345678'), Buffer.from('13572468')))).rejects.toBeInstanceOf(WrongPasscodeError);
    await onCard(card, (piv) => piv.unblockPin(Buffer.from(op.puk), Buffer.from('13572468')));
    expect(await signsWithPasscode(card, '13572468', algorithm)).toBe(true);
  });
});

describe('issue refusals', () => {
  it('rule: a card that refuses the factory management key is not blank and is not touched', async () => {
    card = blankCardInReader();
    await issue(card, 'p256');
    const before = card.engine.snapshot();
    await expect(issue(card, 'p256', { passcode: '11223344' })).rejects.toBeInstanceOf(CardNotBlankError);
    expect(card.engine.snapshot()).toEqual(before);
    expect(await signsWithPasscode(card, PASSCODE, 'p256')).toBe(true);
  });

  it('rule: a passcode that breaks the rules is refused before any command reaches the card', async () => {
    card = blankCardInReader();
    const readout = await readCardReadout(card.readers, READER);
    const sent = card.commands.length;
    const op = openIssue(ca, readout);
    const passcode = Buffer.from('12ab56', 'ascii');
    await expect(
      issueCard({ readers: card.readers, reader: READER, passcode, algorithm: 'p256', cardUuid: op.cardUuid, holderName: HOLDER_NAME, resetFirst: false, relay: op.relay }),
    ).rejects.toMatchObject({ code: 'passcode-policy' });
    expect(card.commands.length).toBe(sent);
    expect(passcode.every((b) => b === 0)).toBe(true);
  });

  it('rule: a certificate for a key the card does not hold is never written to it', async () => {
    card = blankCardInReader();
    await expect(issue(card, 'p256', { issueForAnotherKey: true })).rejects.toBeInstanceOf(RenewalCertificateMismatchError);
    expect(await slot9a(card)).toBe('key-only');
    const readout = await readCardReadout(card.readers, READER);
    expect(readout.certificateSerial).toBeNull();
    expect(readout.chuidUuid).toBeNull();
  });

  it('rule: a card whose PIN and PUK tries are not three is set back to three before it is issued', async () => {
    const state = blankCardState();
    state.pin.maxTries = 5;
    state.pin.triesLeft = 5;
    state.puk.maxTries = 8;
    state.puk.triesLeft = 8;
    card = blankCardInReader(state);
    await issue(card, 'p256');
    expect(card.commands.map(commandName)).toContain('SET PIN RETRIES');
    const after = card.engine.snapshot();
    expect([after.pin.maxTries, after.puk.maxTries]).toEqual([3, 3]);
    expect(await signsWithPasscode(card, PASSCODE, 'p256')).toBe(true);
  });

  it('rule: resetFirst puts an issued card back to blank before issuing it again', async () => {
    card = blankCardInReader();
    await issue(card, 'p256');
    const { op, stages } = await issue(card, 'rsa2048', { resetFirst: true, passcode: '97531864' });
    expect(stages[0]).toBe('resetting-card');
    expect(await signsWithPasscode(card, '97531864', 'rsa2048')).toBe(true);
    expect(await signsWithPasscode(card, PASSCODE, 'rsa2048')).toBe(false);
    expect((await readCardReadout(card.readers, READER)).chuidUuid).toBe(op.cardUuid);
  });
});

describe('secrets of an issue', () => {
  /** A relay whose PUK and key command buffers are watched after the card operation ends. */
  function watched(op: IssueOperation) {
    const handed: Buffer[] = [];
    const personalise = op.relay.personalise;
    op.relay.personalise = async () => {
      const answer = await personalise();
      handed.push(answer.puk, answer.managementKeyCommand);
      return answer;
    };
    return handed;
  }

  it.each([
    ['the issue succeeds', undefined],
    ['the card is pulled at the passcode change', 13],
  ] as const)('rule: the PUK, the key command and the passcode are wiped when %s', async (_when, pullAt) => {
    card = blankCardInReader();
    const readout = await readCardReadout(card.readers, READER);
    const op = openIssue(ca, readout);
    const handed = watched(op);
    const passcode = Buffer.from(PASSCODE, 'ascii');
    if (pullAt !== undefined) card.readers.faults(READER).vanishAfter(pullAt, 'after-processing');
    const run = issueCard({ readers: card.readers, reader: READER, passcode, algorithm: 'p256', cardUuid: op.cardUuid, holderName: HOLDER_NAME, resetFirst: false, relay: op.relay });
    if (pullAt === undefined) await run;
    else await expect(run).rejects.toMatchObject({ code: 'card-removed' });
    expect(handed).toHaveLength(2);
    for (const b of [...handed, passcode]) expect(b.every((x) => x === 0)).toBe(true);
  });
});

describe('clearing a card', () => {
  it('rule: a cleared card is blank (PIN 123456, PUK 12345678, factory key), keeps its attestation key, and can be issued again', async () => {
    const state = blankCardState(777);
    card = blankCardInReader(state);
    const { op } = await issue(card, 'rsa2048');
    const { readout } = await clear(card, op);
    expect(isBlankReadout(readout)).toBe(true);
    expect(readout).toMatchObject({ serial: 777, chuidUuid: null, certificateSerial: null, factoryManagementKey: true, hasAuthenticationKey: false });
    expect(readout.attestationCertificate).toBe(state.attestation!.certificate);
    expect(await readCardReadout(card.readers, READER)).toEqual(readout);
    await onCard(card, (piv) => piv.verifyPin(Buffer.from('123456')));
    await onCard(card, (piv) => piv.changePuk(Buffer.from('12345678'), Buffer.from('12345678')));
    expect(await onCard(card, (piv) => piv.referenceRetries(KEY_REF.PIN))).toEqual({ total: 3, remaining: 3 });
    const again = await issue(card, 'p256', { passcode: '86420975' });
    expect(await signsWithPasscode(card, '86420975', 'p256')).toBe(true);
    expect((await readCardReadout(card.readers, READER)).chuidUuid).toBe(again.op.cardUuid);
  });

  it("rule: a card is cleared only with its own management key: another card's key changes nothing", async () => {
    card = blankCardInReader();
    await issue(card, 'p256');
    const before = card.engine.snapshot();
    await expect(clearCard({ readers: card.readers, reader: READER, relay: serviceKeyRelay(Buffer.alloc(16, 7)) })).rejects.toBeInstanceOf(CardError);
    expect(card.engine.snapshot()).toEqual(before);
    expect(await signsWithPasscode(card, PASSCODE, 'p256')).toBe(true);
  });

  it('rule: clearing again, with the same key, a card a cut-short clear already reset reads it as blank and writes nothing', async () => {
    card = blankCardInReader();
    const { op } = await issue(card, 'p256');
    card.readers.faults(READER).vanishAfter(11, 'after-processing');
    await expect(clear(card, op)).rejects.toMatchObject({ code: 'card-removed' });
    expect(card.commands.at(-1)?.ins).toBe(0xfb);
    card.reinsert();
    const before = card.engine.snapshot();
    const relay = serviceKeyRelay(op.managementKey);
    const from = card.commands.length;
    const { readout } = await clearCard({ readers: card.readers, reader: READER, relay });
    expect(isBlankReadout(readout)).toBe(true);
    expect(relay.authentications()).toBe(0);
    expect(card.commands.slice(from).map(commandName)).not.toContain('RESET');
    expect(card.engine.snapshot()).toEqual(before);
  });

  it('rule: a card the service saw as blank is only read again; one that is not blank any more is refused untouched', async () => {
    card = blankCardInReader();
    const { readout, apdus } = await clear(card, null);
    expect(isBlankReadout(readout)).toBe(true);
    expect(card.commands.slice(-apdus).map(commandName)).not.toContain('RESET');
    await issue(card, 'p256');
    const before = card.engine.snapshot();
    await expect(clear(card, null)).rejects.toBeInstanceOf(CardNoLongerBlankError);
    expect(card.engine.snapshot()).toEqual(before);
  });
});

describe('repairing a card', () => {
  /** The card issued, then with objects deleted as damage would (straight in its state). */
  async function damaged(objects: readonly string[]) {
    card = blankCardInReader();
    const issued = await issue(card, 'p256');
    const state = card.engine.snapshot();
    for (const o of objects) delete state.objects[o];
    await card.readers.close();
    card = blankCardInReader(state);
    return issued;
  }

  it('rule: a card that lost its certificate and CHUID gets both back, and its passcode is not touched', async () => {
    const { op, result } = await damaged(['5fc105', '5fc102']);
    const pinBefore = card!.engine.snapshot().pin;
    const relay = serviceKeyRelay(op.managementKey);
    const repaired = await repairCard({ readers: card!.readers, reader: READER, cardUuid: op.cardUuid, algorithm: 'p256', certificate: result.certificate, relay });
    expect(repaired.repaired.sort()).toEqual(['certificate', 'chuid']);
    expect(repaired.keyMatches).toBe(true);
    expect(relay.authentications()).toBe(1);
    expect(card!.engine.snapshot().pin).toEqual(pinBefore);
    expect(card!.commands.map(commandName)).not.toContain('VERIFY');
    expect(card!.commands.map(commandName)).not.toContain('CHANGE REFERENCE DATA 80');
    const readout = await readCardReadout(card!.readers, READER);
    expect(readout.chuidUuid).toBe(op.cardUuid);
    expect(readout.certificateSerial).toBe(new X509Certificate(result.certificate).serialNumber.toLowerCase());
    expect(await signsWithPasscode(card!, PASSCODE, 'p256')).toBe(true);
  });

  it('rule: a card that lost only its certificate gets the certificate back and nothing else is written', async () => {
    const { op, result } = await damaged(['5fc105']);
    const repaired = await repairCard({
      readers: card!.readers,
      reader: READER,
      cardUuid: op.cardUuid,
      algorithm: 'p256',
      certificate: result.certificate,
      relay: serviceKeyRelay(op.managementKey),
    });
    expect(repaired.repaired).toEqual(['certificate']);
    expect(card!.commands.map(commandName).filter((n) => n === 'PUT DATA')).toHaveLength(1);
  });

  it('rule: a whole card is left as it is', async () => {
    const { op, result } = await damaged([]);
    const before = card!.engine.snapshot();
    const repaired = await repairCard({ readers: card!.readers, reader: READER, cardUuid: op.cardUuid, algorithm: 'p256', certificate: result.certificate, relay: serviceKeyRelay(op.managementKey) });
    expect(repaired).toMatchObject({ repaired: [], keyMatches: true });
    expect(card!.engine.snapshot()).toEqual(before);
  });

  it('rule: a card whose 9A key does not match the recorded certificate is never given it', async () => {
    const { op } = await damaged(['5fc105', '5fc102']);
    const other = issueAuthenticationCertificate(ca, { ...HOLDER, publicKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey, now: new Date() }).der;
    const repaired = await repairCard({ readers: card!.readers, reader: READER, cardUuid: op.cardUuid, algorithm: 'p256', certificate: other, relay: serviceKeyRelay(op.managementKey) });
    expect(repaired.keyMatches).toBe(false);
    expect(repaired.repaired).toEqual(['chuid']);
    expect(await slot9a(card!)).toBe('key-only');
  });

  it("rule: a card that cannot prove it holds the service's key is not repaired", async () => {
    const { op, result } = await damaged(['5fc105']);
    const before = card!.engine.snapshot();
    await expect(
      repairCard({ readers: card!.readers, reader: READER, cardUuid: op.cardUuid, algorithm: 'p256', certificate: result.certificate, relay: serviceKeyRelay(Buffer.alloc(16, 1)) }),
    ).rejects.toBeInstanceOf(CardError);
    expect(card!.engine.snapshot()).toEqual(before);
  });
});
