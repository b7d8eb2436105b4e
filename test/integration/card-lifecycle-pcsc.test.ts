import { randomBytes, verify, X509Certificate } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isBlankReadout } from '../../src-shared/api/cim-cards.js';
import type { AsymmetricAlgorithm, VirtualCardState } from '../../src-shared/card/virtual-card-state.js';
import type { CommandRecord } from '../../src-main/virtual-card/piv-card-engine.js';
import { parseChuid, guidToUuid } from '../../src-shared/card/piv-objects.js';
import { blankCardState, FACTORY_PIN, FACTORY_PUK } from '../../src-main/virtual-card/blank-card.js';
import { DEFAULT_MANAGEMENT_KEY, OBJECT } from '../../src-main/card/piv/piv-constants.js';
import type { PersonaKey } from '../../src-service/seed/personas.js';
import { nextState, screenIs, signInFromPrompt } from '../support/agent-states.js';
import { cardCertificate } from '../support/renewal-rig.js';
import { cardHolds } from '../support/unlock-rig.js';
import { cardHoldsKeyOf, serviceView } from '../support/smartcard-rig.js';
import { startServiceRig, type ServiceRig } from '../unit/agent/support/agent-rig.js';
import { issueThroughAgent, clearThroughAgent, cardSeenIn, type JobEnd } from '../support/smartcard-job-steps.js';
import { startPcscAgent, type PcscAgent } from './support/pcsc-agent.js';
import { untilCardPresent, waitFor } from './support/pcsc.js';
import { runTool, type ToolResult } from './support/run-tool.js';
import { makeTestCard, READER, tempDir, type TestCard } from './support/virtual-card.js';

// The smartcard lifecycle through the real stack: an RA agent signed in with their card in
// "Virtual PCD 00 00", a BLANK card (factory defaults) in "Virtual PCD 00 01", pcscd, the PC/SC
// reader driver, the agent's smartcard jobs and the embedded identity service over HTTP. Then
// tools nobody here wrote judge the card the RA issued: pkcs15-tool reads the certificate the
// service issued, pkcs11-tool signs with the chosen passcode and the signature verifies with
// that certificate's key, yubico-piv-tool shows the CHUID carrying the new card UUID; and the
// holder signs in with it. Clearing leaves a factory card (yubico-piv-tool sees no certificate,
// the factory PIN verifies) that can be issued again; cancelling puts the certificate in the
// CRL the service serves, which `openssl verify -crl_check` then refuses. A card pulled from the
// reader during its issue or its clearing, put back and taken through the same step again, ends
// fully issued (no live certificate for a key it does not hold; one it was given on the way is in
// the CRL) or blank.

const RA_SLOT = 0 as const;
const CARD_SLOT = 1 as const;
const PKCS11_MODULE = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
const RA_PASSCODE = '123456';
/** The holder's chosen passcode. */
const CHOSEN = '24681357';
const STATE_MS = 15_000;

const MECHANISM: Record<AsymmetricAlgorithm, { sign: string; format: string[]; key: string }> = {
  rsa2048: { sign: 'SHA256-RSA-PKCS', format: [], key: 'Private RSA Key [PIV AUTH key]' },
  p256: { sign: 'ECDSA-SHA256', format: ['--signature-format', 'openssl'], key: 'Private EC Key [PIV AUTH key]' },
};

const ykpiv = (slot: 0 | 1, args: string[]): Promise<ToolResult> => runTool('yubico-piv-tool', ['-r', READER[slot], ...args]);

function succeeded(result: ToolResult, what: string): ToolResult {
  expect(result.code, `${what} failed:\n${result.output}`).toBe(0);
  return result;
}

let rig: ServiceRig;
let pcsc: PcscAgent;
/** Cards in the vpcd readers now: taken out (and waited for) after each test. */
let inserted: { card: TestCard; slot: 0 | 1 }[] = [];
let dir: string;

beforeAll(async () => {
  rig = await startServiceRig();
});
afterAll(async () => rig.close());

afterEach(async () => {
  for (const { card, slot } of [...inserted]) await pull(card, slot);
  await pcsc.close();
  rmSync(dir, { recursive: true, force: true });
});

async function insert(slot: 0 | 1, state: VirtualCardState): Promise<TestCard> {
  const card = makeTestCard(slot, { state });
  await card.insert();
  inserted.push({ card, slot });
  await untilCardPresent(pcsc.driver, READER[slot], STATE_MS);
  return card;
}

/** Takes the card out and waits until pcscd has seen it go. */
async function pull(card: TestCard, slot: 0 | 1): Promise<void> {
  const present = pcsc.driver.readers().some((r) => r.name === READER[slot] && r.cardPresent);
  const gone = present ? waitFor(pcsc.driver, 'card-removed', READER[slot], STATE_MS) : Promise.resolve();
  await card.remove();
  await gone;
  inserted = inserted.filter((i) => i.card !== card);
}

/** An agent on pcscd, the RA agent Priya Patel signed in with her card in 00 00, a blank card in 00 01. */
async function raWithBlankCard(name: string): Promise<{ ra: TestCard; blank: TestCard }> {
  dir = tempDir('card-lifecycle-pcsc-');
  pcsc = startPcscAgent(rig.service.url, name);
  const ra = await insert(RA_SLOT, (await rig.card('ra-agent', { algorithm: 'p256' })).made.state);
  await signInFromPrompt(pcsc.agent, 'RA agent', RA_PASSCODE, STATE_MS);
  const blank = await insert(CARD_SLOT, blankCardState());
  await cardSeenIn(pcsc.agent, READER[CARD_SLOT], STATE_MS);
  return { ra, blank };
}

const holderUuid = (key: PersonaKey): string => rig.personas.get(key)!.persona.uuid;

/** The card's record at the service: status, holder, and its certificates (DER, revoked or not). */
async function serviceRecord(cardUuid: string) {
  const card = await rig.db.selectFrom('cards as k').innerJoin('users as u', 'u.id', 'k.user_id').select(['k.status', 'k.cleared_at as clearedAt', 'k.serial', 'u.uuid as holder']).where('k.uuid', '=', cardUuid).executeTakeFirst();
  const certificates = await rig.db
    .selectFrom('certificates as c')
    .innerJoin('cards as k', 'k.id', 'c.card_id')
    .select(['c.der', 'c.revoked_at as revokedAt', 'c.revocation_reason as reason'])
    .where('k.uuid', '=', cardUuid)
    .execute();
  return { card, certificates };
}

/** The card UUID in the CHUID the card holds now (its state file). */
function chuidUuidOn(card: TestCard): string | null {
  const chuid = card.engine.snapshot().objects[OBJECT.CHUID.toString(16)];
  return chuid ? guidToUuid(parseChuid(Buffer.from(chuid, 'hex')).guid) : null;
}

function expectIssued(end: JobEnd): string {
  expect(end.progress, JSON.stringify(end.progress)).toMatchObject({ kind: 'issue', status: 'done', message: 'Smartcard issued successfully' });
  expect(end.progress.cardUuid).not.toBeNull();
  return end.progress.cardUuid!;
}

/** The third-party judges on the issued card in `slot`: the certificate, a signature with the chosen passcode, the CHUID. */
async function judgeIssuedCard(slot: 0 | 1, algorithm: AsymmetricAlgorithm, issued: Buffer, cardUuid: string): Promise<void> {
  const readBack = succeeded(await runTool('pkcs15-tool', ['--reader', String(slot), '--read-certificate', '01']), 'pkcs15-tool --read-certificate 01');
  expect(new X509Certificate(readBack.stdout).raw).toEqual(issued);
  const dump = succeeded(await runTool('pkcs15-tool', ['--reader', String(slot), '-D']), 'pkcs15-tool -D').stdout;
  expect(dump).toContain(MECHANISM[algorithm].key);

  const message = randomBytes(48);
  writeFileSync(join(dir, 'msg.bin'), message);
  writeFileSync(join(dir, 'issued.pem'), new X509Certificate(issued).publicKey.export({ type: 'spki', format: 'pem' }));
  succeeded(
    await runTool(
      'pkcs11-tool',
      ['--module', PKCS11_MODULE, '--slot-description', READER[slot], '--login', '--pin', CHOSEN, '--sign', '-m', MECHANISM[algorithm].sign, '--id', '01', ...MECHANISM[algorithm].format, '-i', 'msg.bin', '-o', 'sig.bin'],
      { cwd: dir },
    ),
    'pkcs11-tool --sign with the chosen passcode',
  );
  const verified = await runTool('openssl', ['dgst', '-sha256', '-verify', 'issued.pem', '-signature', 'sig.bin', 'msg.bin'], { cwd: dir });
  expect(verified.code, verified.output).toBe(0);
  expect(verified.stdout).toContain('Verified OK');
  expect(verify('sha256', message, new X509Certificate(issued).publicKey, readFileSync(join(dir, 'sig.bin')))).toBe(true);

  const status = succeeded(await ykpiv(slot, ['-a', 'status']), 'yubico-piv-tool -a status').stdout;
  // The CHUID as the card holds it, in hex: the GUID (tag 34, 16 bytes) is the new card UUID.
  expect(status).toMatch(new RegExp(`^CHUID:\\t[0-9a-f]*3410${cardUuid.replace(/-/g, '')}[0-9a-f]*$`, 'm'));
  expect(status).toMatch(/^Slot 9a:/m);
}

/** The service's CRL (GET /v1/ca/crl), as openssl reads it: PEM from the DER it answers. */
async function fetchCrl(name: string): Promise<string> {
  const response = await fetch(`${rig.service.url}/v1/ca/crl`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/pkix-crl/);
  writeFileSync(join(dir, `${name}.der`), Buffer.from(await response.arrayBuffer()));
  succeeded(await runTool('openssl', ['crl', '-inform', 'DER', '-in', `${name}.der`, '-out', `${name}.pem`], { cwd: dir }), 'openssl crl');
  return `${name}.pem`;
}

/** `openssl verify -crl_check` of `certificate` against the service's CA chain and `crl`. */
async function opensslVerify(certificate: Buffer, crl: string): Promise<ToolResult> {
  const { root, issuing } = rig.service.ctx.ca;
  writeFileSync(join(dir, 'chain.pem'), root.toString() + issuing.toString());
  writeFileSync(join(dir, 'card.pem'), new X509Certificate(certificate).toString());
  return runTool('openssl', ['verify', '-crl_check', '-CAfile', 'chain.pem', '-CRLfile', crl, 'card.pem'], { cwd: dir });
}

describe.each(['rsa2048', 'p256'] as const)('issue a %s smartcard over pcscd + vpcd: RA agent in 00 00, a blank card in 00 01', (algorithm) => {
  it('rule: the card the RA issued holds the certificate the service issued, signs with the chosen passcode, carries the new card UUID, and its holder signs in with it', async () => {
    const { ra, blank } = await raWithBlankCard(`issue-${algorithm}`);
    const raCommands = ra.log.length;
    const before = blank.log.length;

    const end = await issueThroughAgent(pcsc.agent, { userUuid: holderUuid('clinician'), algorithm, passcode: CHOSEN });
    expect(end.inspection.readout.serial).toBe(blank.engine.snapshot().serial);
    expect(isBlankReadout(end.inspection.readout)).toBe(true);
    expect(end.inspection.registeredTo).toBeNull();
    const cardUuid = expectIssued(end);
    expect(blank.log.length).toBeGreaterThan(before);
    // The RA's own card in the other reader was not spoken to.
    expect(ra.log.length).toBe(raCommands);

    // The service registered the card to the holder with one live certificate: the one on the card.
    const record = await serviceRecord(cardUuid);
    expect(record.card).toMatchObject({ status: 'active', clearedAt: null, serial: blank.engine.snapshot().serial, holder: holderUuid('clinician') });
    expect(record.certificates.map((c) => c.revokedAt)).toEqual([null]);
    const issued = record.certificates[0]!.der!;
    expect(cardCertificate(blank.engine)).toEqual(issued);
    expect(cardHoldsKeyOf(blank.engine, issued)).toBe(true);
    expect(new X509Certificate(issued).checkIssued(rig.service.ctx.ca.issuing)).toBe(true);
    const key = new X509Certificate(issued).publicKey;
    expect(algorithm === 'rsa2048' ? key.asymmetricKeyDetails?.modulusLength : key.asymmetricKeyDetails?.namedCurve).toBe(algorithm === 'rsa2048' ? 2048 : 'prime256v1');
    expect(chuidUuidOn(blank)).toBe(cardUuid);
    // The card left the factory behind: the chosen passcode, a new PUK, a management key the service holds.
    const state = blank.engine.snapshot();
    expect(cardHolds(state, 'pin', CHOSEN)).toBe(true);
    expect(cardHolds(state, 'puk', FACTORY_PUK)).toBe(false);
    expect(state.managementKey.key).not.toBe(DEFAULT_MANAGEMENT_KEY.toString('hex'));

    await judgeIssuedCard(CARD_SLOT, algorithm, issued, cardUuid);

    // The holder signs in with their new card and the passcode they chose.
    await pull(blank, CARD_SLOT);
    await pull(ra, RA_SLOT);
    await insert(RA_SLOT, blank.engine.snapshot());
    await signInFromPrompt(pcsc.agent, 'holder', CHOSEN, STATE_MS);
    expect(pcsc.agent.state().screen).toMatchObject({ kind: 'signed-in', session: { user: { name: 'Amelia Hart' } } });
    expect(pcsc.agent.state().readers.find((r) => r.name === READER[RA_SLOT])?.card).toMatchObject({ cardUuid, inSession: true });
  });
});

describe('clear a smartcard over pcscd + vpcd, then issue it again', () => {
  it('rule: a cleared card is a factory card again (no certificate, the factory PIN verifies) and is issued again with a new card UUID', async () => {
    const { blank } = await raWithBlankCard('clear');
    const first = expectIssued(await issueThroughAgent(pcsc.agent, { userUuid: holderUuid('card-near-expiry'), algorithm: 'p256', passcode: CHOSEN }));
    const firstCertificate = cardCertificate(blank.engine);

    const cleared = await clearThroughAgent(pcsc.agent, first);
    expect(cleared.inspection.registeredTo).toMatchObject({ uuid: holderUuid('card-near-expiry') });
    expect(cleared.progress, JSON.stringify(cleared.progress)).toMatchObject({ kind: 'clear', status: 'done', message: 'Smartcard cleared successfully' });
    // The card, read by tools nobody here wrote: no certificate in 9A, the factory PIN verifies.
    const status = succeeded(await ykpiv(CARD_SLOT, ['-a', 'status']), 'yubico-piv-tool -a status').stdout;
    expect(status).not.toMatch(/^Slot 9a:/m);
    expect(status).toMatch(/^CHUID:\tNo data available$/m);
    expect(status).toMatch(/^PIN tries left:\t3$/m);
    succeeded(await ykpiv(CARD_SLOT, ['-a', 'verify-pin', '-P', FACTORY_PIN]), 'yubico-piv-tool -a verify-pin with the factory PIN');
    const state = blank.engine.snapshot();
    expect(state.keys['9a']).toBeUndefined();
    expect(state.managementKey.key).toBe(DEFAULT_MANAGEMENT_KEY.toString('hex'));
    expect(cardHolds(state, 'puk', FACTORY_PUK)).toBe(true);
    // The service unregistered it: cleared, its certificate revoked.
    const record = await serviceRecord(first);
    expect(record.card).toMatchObject({ status: 'revoked' });
    expect(record.card?.clearedAt).not.toBeNull();
    expect(record.certificates).toHaveLength(1);
    expect(record.certificates[0]!.revokedAt).not.toBeNull();
    expect(record.certificates[0]!.der).toEqual(firstCertificate);

    // Issued again, to someone else, with the other algorithm.
    const end = await issueThroughAgent(pcsc.agent, { userUuid: holderUuid('clinician'), algorithm: 'rsa2048', passcode: CHOSEN });
    expect(isBlankReadout(end.inspection.readout)).toBe(true);
    const second = expectIssued(end);
    expect(second).not.toBe(first);
    expect(chuidUuidOn(blank)).toBe(second);
    const again = await serviceRecord(second);
    expect(again.card).toMatchObject({ status: 'active', serial: blank.engine.snapshot().serial, holder: holderUuid('clinician') });
    await judgeIssuedCard(CARD_SLOT, 'rsa2048', again.certificates[0]!.der!, second);
  });
});

describe('cancel a smartcard: the CRL the service serves revokes its certificate', () => {
  it('rule: openssl verify -crl_check accepts the issued certificate with the CRL before cancel and refuses it ("certificate revoked") after; the cancelled card is refused at login', async () => {
    const { ra, blank } = await raWithBlankCard('cancel');
    const cardUuid = expectIssued(await issueThroughAgent(pcsc.agent, { userUuid: holderUuid('locked-card'), algorithm: 'p256', passcode: CHOSEN }));
    const issued = cardCertificate(blank.engine);

    // The certificate names where its CRL is: this service's GET /v1/ca/crl.
    writeFileSync(join(dir, 'issued.der'), issued);
    const text = succeeded(await runTool('openssl', ['x509', '-inform', 'DER', '-in', 'issued.der', '-noout', '-text'], { cwd: dir }), 'openssl x509 -text').stdout;
    expect(text).toMatch(new RegExp(`X509v3 CRL Distribution Points:\\s*\\n\\s*Full Name:\\s*\\n\\s*URI:${rig.service.url}/v1/ca/crl\\s*$`, 'm'));

    const accepted = await opensslVerify(issued, await fetchCrl('before'));
    expect(accepted.code, accepted.output).toBe(0);
    expect(accepted.stdout).toContain('card.pem: OK');

    const cancelled = await pcsc.agent.handle('service.call', { endpoint: 'cancelSmartcard', params: { cardUuid }, body: { reason: 'lost' } });
    expect(cancelled).toMatchObject({ certificatesRevoked: 1 });
    expect((await serviceRecord(cardUuid)).card).toMatchObject({ status: 'cancelled' });

    const refused = await opensslVerify(issued, await fetchCrl('after'));
    expect(refused.code).not.toBe(0);
    expect(refused.output).toContain('certificate revoked');
    const crlText = succeeded(await runTool('openssl', ['crl', '-in', 'after.pem', '-noout', '-text'], { cwd: dir }), 'openssl crl -text').stdout;
    expect(crlText).toContain(`Serial Number: ${new X509Certificate(issued).serialNumber}`);
    expect(crlText).toContain('Key Compromise');

    // The cancelled card, put in to sign in, is refused in words.
    await pull(blank, CARD_SLOT);
    await pull(ra, RA_SLOT);
    await insert(RA_SLOT, blank.engine.snapshot());
    await nextState(pcsc.agent, screenIs('passcode'), 'the passcode prompt of the cancelled card', STATE_MS);
    await expect(pcsc.agent.handle('agent.submitPasscode', { passcode: CHOSEN })).rejects.toThrow('This smartcard has been cancelled. Contact your Registration Authority.');
  });
});

/**
 * The card is pulled right after it answered its `nth` command with instruction `ins`: the next
 * command finds no card. (The card's log is where it tells of each command it processed.)
 */
function pullAfter(card: TestCard, ins: number, nth = 1): void {
  let seen = 0;
  const push = card.log.push.bind(card.log);
  card.log.push = (...records: CommandRecord[]): number => {
    for (const r of records) if (r.ins === ins && ++seen === nth) card.vpcd.faults.vanishAfter(0);
    return push(...records);
  };
}

describe.each([
  ['GENERATE', 0x47, 1],
  ['PUT DATA of the certificate', 0xdb, 1],
  ['SET MANAGEMENT KEY', 0xff, 1],
] as const)('a blank card pulled during its issue over pcscd, right after %s', (_name, ins, nth) => {
  it('rule: the issue fails in words; put back and issued again, the card is fully issued, no certificate is live for a key it does not hold, and a certificate it was given before is in the CRL', async () => {
    const { blank } = await raWithBlankCard(`pulled-${ins.toString(16)}`);
    const holder = holderUuid('clinician');
    pullAfter(blank, ins, nth);
    const gone = waitFor(pcsc.driver, 'card-removed', READER[CARD_SLOT], STATE_MS);
    const failed = await issueThroughAgent(pcsc.agent, { userUuid: holder, algorithm: 'p256', passcode: CHOSEN });
    expect(failed.progress).toMatchObject({
      kind: 'issue',
      status: 'failed',
      message: 'The smartcard was removed before it was issued. Put it back in your second smartcard reader and issue it again.',
    });
    await gone;
    const left = blank.engine.snapshot().objects[OBJECT.CERT_9A.toString(16)] ? cardCertificate(blank.engine) : null;
    expect(left !== null).toBe(ins !== 0x47);
    // Pulled after SET MANAGEMENT KEY, the card holds the service's key, not the factory's.
    expect(blank.engine.snapshot().managementKey.key === DEFAULT_MANAGEMENT_KEY.toString('hex')).toBe(ins !== 0xff);

    await blank.insert();
    await untilCardPresent(pcsc.driver, READER[CARD_SLOT], STATE_MS);
    await cardSeenIn(pcsc.agent, READER[CARD_SLOT], STATE_MS);
    const again = await issueThroughAgent(pcsc.agent, { userUuid: holder, algorithm: 'p256', passcode: CHOSEN });
    expect(isBlankReadout(again.inspection.readout)).toBe(false);
    const cardUuid = expectIssued(again);

    const view = await serviceView(rig.service, blank.engine.snapshot().serial, blank.engine);
    expect(view.registered).toMatchObject({ uuid: cardUuid, status: 'active', userUuid: holder });
    expect(view.live).toHaveLength(1);
    expect(view.liveForOtherKeys).toBe(0);
    const issued = view.live[0]!;
    expect(cardCertificate(blank.engine)).toEqual(issued);
    await judgeIssuedCard(CARD_SLOT, 'p256', issued, cardUuid);

    const crl = await fetchCrl('crl');
    const live = await opensslVerify(issued, crl);
    expect(live.code, live.output).toBe(0);
    if (left) {
      expect(left.equals(issued)).toBe(false);
      const orphan = await opensslVerify(left, crl);
      expect(orphan.code).not.toBe(0);
      expect(orphan.output).toContain('certificate revoked');
    }
  });
});

describe.each([
  ['the PUT DATA that deletes the certificate', 0xdb, 1],
  ['RESET', 0xfb, 1],
] as const)('an issued card pulled during its clearing over pcscd, right after %s', (_name, ins, nth) => {
  it('rule: the clear fails in words; put back and cleared again, the card is a factory card and the service has it cleared', async () => {
    const { blank } = await raWithBlankCard(`clear-pulled-${ins.toString(16)}`);
    const cardUuid = expectIssued(await issueThroughAgent(pcsc.agent, { userUuid: holderUuid('card-near-expiry'), algorithm: 'p256', passcode: CHOSEN }));
    pullAfter(blank, ins, nth);
    const gone = waitFor(pcsc.driver, 'card-removed', READER[CARD_SLOT], STATE_MS);
    const failed = await clearThroughAgent(pcsc.agent, cardUuid);
    expect(failed.progress).toMatchObject({
      kind: 'clear',
      status: 'failed',
      message: 'The smartcard was removed before it was cleared. Put it back in your second smartcard reader and clear it again.',
    });
    await gone;

    await blank.insert();
    await untilCardPresent(pcsc.driver, READER[CARD_SLOT], STATE_MS);
    await cardSeenIn(pcsc.agent, READER[CARD_SLOT], STATE_MS);
    const again = await clearThroughAgent(pcsc.agent, cardUuid);
    expect(again.progress, JSON.stringify(again.progress)).toMatchObject({ kind: 'clear', status: 'done', message: 'Smartcard cleared successfully' });

    const status = succeeded(await ykpiv(CARD_SLOT, ['-a', 'status']), 'yubico-piv-tool -a status').stdout;
    expect(status).not.toMatch(/^Slot 9a:/m);
    expect(status).toMatch(/^CHUID:\tNo data available$/m);
    succeeded(await ykpiv(CARD_SLOT, ['-a', 'verify-pin', '-P', FACTORY_PIN]), 'yubico-piv-tool -a verify-pin with the factory PIN');
    expect(blank.engine.snapshot().keys['9a']).toBeUndefined();
    const view = await serviceView(rig.service, blank.engine.snapshot().serial, blank.engine);
    expect(view.registered).toBeNull();
    expect(view.live).toEqual([]);
    expect((await serviceRecord(cardUuid)).card?.clearedAt).not.toBeNull();
  });
});
