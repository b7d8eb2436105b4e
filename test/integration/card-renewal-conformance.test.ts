import { createHash, createPublicKey, randomBytes, verify, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cardKeyMatchesCertificate } from '../../src-main/agent/card-key-check.js';
import { pivSession } from '../../src-main/agent/card-transaction.js';
import { cardRenewal, type CardRenewalResult, type RenewalRelay } from '../../src-main/agent/renewal-card.js';
import { ALG, SLOT } from '../../src-main/card/piv/piv-constants.js';
import { localManagementKeyResponder } from '../../src-main/card/piv/piv-management-key.js';
import { PcscReaderDriver } from '../../src-main/pcsc/pcsc-reader-driver.js';
import { issueAuthenticationCertificate } from '../../src-service/ca/authentication-certificate.js';
import type { MadeCard } from '../../src-service/ca/card-factory.js';
import { renewalKeyAuthorisation, type NewKeyProof } from '../../src-shared/api/service-renewal.js';
import { attestationPublicKey, readAttestation } from '../../src-shared/card/piv-attestation.js';
import { verifyCertificationRequest } from '../../src-shared/crypto/pkcs10.js';
import { startServiceRig, type ServiceRig } from '../unit/agent/support/agent-rig.js';
import { untilCardPresent, waitFor } from './support/pcsc.js';
import { runTool, type ToolResult } from './support/run-tool.js';
import { makeTestCard, READER, tempDir, type TestCard } from './support/virtual-card.js';

// A factory-made card renewed in the vpcd reader through the real pcscd with the renewal card
// operation (renewal-card.ts), the service's half played in this process with the real CA.
// Then tools nobody here wrote judge the result: OpenSC reads the NEW certificate from the card,
// pkcs11-tool signs with the card's 9A key and openssl verifies that signature with the new
// certificate's key (so the key on the card is the certified one). yubico-piv-tool 2.2.0 has no
// get-metadata action; its status shows the new certificate. yubico-piv-tool also asks the card
// for its attestation of the 9A key (-a attest) and reads the attestation key's certificate (F9,
// 5FFF01), and openssl verifies one with the other: the attestation the renewal sent is the kind
// a third party can check, for the key the certificate names.

const CARD_SLOT = 0 as const;
const READER_NAME = READER[CARD_SLOT];
const OPENSC_READER = String(CARD_SLOT);
const PKCS11_MODULE = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
const PASSCODE = '24681357';
const HOLDER = 'Renewal Conformance';

const pkcs15Tool = (args: string[]): Promise<ToolResult> => runTool('pkcs15-tool', ['--reader', OPENSC_READER, ...args]);
const pkcs11Tool = (args: string[], cwd: string): Promise<ToolResult> =>
  runTool('pkcs11-tool', ['--module', PKCS11_MODULE, '--slot-description', READER_NAME, ...args], { cwd });
const ykpiv = (args: string[]): Promise<ToolResult> => runTool('yubico-piv-tool', ['-r', READER_NAME, ...args]);

function succeeded(result: ToolResult, what: string): ToolResult {
  expect(result.code, `${what} failed:\n${result.output}`).toBe(0);
  return result;
}

let driver: PcscReaderDriver;
let rig: ServiceRig;

beforeAll(async () => {
  rig = await startServiceRig();
  driver = new PcscReaderDriver();
  driver.start();
  for (const name of READER) {
    if (!driver.readers().some((r) => r.name === name)) await waitFor(driver, 'reader-added', name);
  }
  await new Promise((r) => setTimeout(r, 1000));
  const occupied = driver.readers().filter((r) => r.cardPresent).map((r) => r.name);
  expect(occupied, 'the vpcd readers must be empty before this file runs (stop any other virtual card)').toEqual([]);
}, 60_000);

afterAll(async () => {
  const left = driver?.readers().filter((r) => r.cardPresent).map((r) => r.name);
  await driver?.close();
  await rig?.close();
  expect(left).toEqual([]);
});

/** What the card sent with its request: its attestation, and whether it holds as the service checks it. */
interface Sent {
  attestation: Buffer | null;
  attested: boolean;
  oldKeySignature?: Buffer | null;
}

/**
 * The service's half: the card's own management key, the request and the card's attestation of
 * its key checked (by the card's registered attestation key, for the request's key, slot 9A, the
 * card's serial), the real CA issuing.
 */
function localRelay(card: MadeCard, sent: Sent, newKeyProof: NewKeyProof = 'attestation'): RenewalRelay {
  const responder = localManagementKeyResponder(ALG.AES128, Buffer.from(card.state.managementKey.key, 'hex'));
  const persona = rig.personas.get('card-near-expiry')!.persona;
  return {
    cardWitness: async (witness) => {
      const answer = await responder.answerWitness(witness);
      return { exchangeId: 'exchange-1', witness: Buffer.from(answer.witness), challenge: Buffer.from(answer.challenge) };
    },
    authenticate: async (_exchangeId, cardResponse) => {
      await responder.checkCardResponse(cardResponse);
      return { issuedCertificate: null, newKeyProof };
    },
    certificate: async (csr, { attestation, oldKeySignature }) => {
      const request = verifyCertificationRequest(csr);
      expect(request.commonName).toBe(HOLDER);
      sent.attestation = attestation;
      sent.oldKeySignature = oldKeySignature;
      if (attestation) {
        const read = readAttestation(attestation);
        const registered = createPublicKey({ key: attestationPublicKey(card.state.attestation!), format: 'der', type: 'spki' });
        const requestKey = request.publicKey.export({ type: 'spki', format: 'der' });
        sent.attested = read.certificate.verify(registered) && read.spki.equals(requestKey) && read.slot === 0x9a && read.serial === card.serial;
      }
      const issued = issueAuthenticationCertificate(rig.service.ctx.ca, {
        givenName: persona.givenName,
        familyName: persona.familyName,
        userUuid: persona.uuid,
        publicKey: request.publicKey,
        now: new Date(),
      });
      return { certificate: issued.der };
    },
  };
}

function keyCheck(): Promise<boolean | undefined> {
  return driver.transaction(READER_NAME, async (transport, atr) => {
    const piv = pivSession(transport, atr);
    await piv.select();
    const certificate = await piv.readCertificate(SLOT.AUTHENTICATION);
    return cardKeyMatchesCertificate(piv, certificate!);
  });
}

describe.each([
  ['rsa2048', 'SHA256-RSA-PKCS', 'Private RSA Key [PIV AUTH key]'],
  ['p256', 'ECDSA-SHA256', 'Private EC Key [PIV AUTH key]'],
] as const)('a %s factory card renewed through pcscd', (algorithm, mechanism, keyHeading) => {
  let made: MadeCard;
  let card: TestCard;
  let dir: string;
  let result: CardRenewalResult;
  const sent: Sent = { attestation: null, attested: false };
  /** Where the renewal's commands start in the card's log. */
  let logStart: number;

  beforeAll(async () => {
    made = (await rig.card('card-near-expiry', { algorithm, passcode: PASSCODE, validDays: 20 })).made;
    card = makeTestCard(CARD_SLOT, { state: made.state });
    dir = tempDir('renewal-conformance-');
    await card.insert();
    await untilCardPresent(driver, READER_NAME);
    expect(await keyCheck()).toBe(true);
    logStart = card.log.length;
    result = await cardRenewal({
      readers: driver,
      reader: READER_NAME,
      passcode: Buffer.from(PASSCODE, 'ascii'),
      relay: localRelay(made, sent),
      renewal: { renewalId: 'renewal-1', cardUuid: made.cardUuid },
      algorithm,
      holderName: HOLDER,
    });
  }, 120_000);

  afterAll(async () => {
    if (!card) return;
    const gone = driver.readers().some((r) => r.name === READER_NAME && r.cardPresent) ? waitFor(driver, 'card-removed', READER_NAME) : Promise.resolve();
    await card.remove();
    await gone;
  });

  it('the card operation: eight commands, a new certificate from the CA for a key the card generated and attested', () => {
    expect(result.recovered).toBe(false);
    expect(result.apdus).toBe(8);
    const renewal = card.log.slice(logStart, logStart + 8);
    expect(renewal.map((c) => c.ins)).toEqual([0xa4, 0x20, 0x87, 0x87, 0x47, 0xf9, 0x87, 0xdb]);
    expect(sent.attested).toBe(true);
    expect(renewal.every((c) => c.sw === 0x9000)).toBe(true);
    const certificate = new X509Certificate(result.certificate);
    expect(certificate.checkIssued(rig.service.ctx.ca.issuing)).toBe(true);
    expect(certificate.serialNumber).not.toBe(new X509Certificate(made.certificate.der).serialNumber);
    expect(card.engine.snapshot().keys['9a']?.origin).toBe('generated');
  });

  it('pkcs15-tool reads the NEW certificate from the card and lists the 9A private key', async () => {
    const readBack = succeeded(await pkcs15Tool(['--read-certificate', '01']), 'pkcs15-tool --read-certificate 01');
    expect(new X509Certificate(readBack.stdout).raw).toEqual(result.certificate);
    const dump = succeeded(await pkcs15Tool(['-D']), 'pkcs15-tool -D').stdout;
    expect(dump).toContain('X.509 Certificate [Certificate for PIV Authentication]');
    expect(dump).toContain(keyHeading);
  });

  it('pkcs11-tool signs with the card key and openssl verifies it with the new certificate (and not the old one)', async () => {
    const message = randomBytes(48);
    writeFileSync(join(dir, 'msg.bin'), message);
    writeFileSync(join(dir, 'new.pem'), new X509Certificate(result.certificate).publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(join(dir, 'old.pem'), new X509Certificate(made.certificate.der).publicKey.export({ type: 'spki', format: 'pem' }));
    const formatArgs = algorithm === 'p256' ? ['--signature-format', 'openssl'] : [];
    succeeded(
      await pkcs11Tool(['--login', '--pin', PASSCODE, '--sign', '-m', mechanism, '--id', '01', ...formatArgs, '-i', 'msg.bin', '-o', 'sig.bin'], dir),
      'pkcs11-tool --sign',
    );
    const verifyWith = (key: string) => runTool('openssl', ['dgst', '-sha256', '-verify', key, '-signature', 'sig.bin', 'msg.bin'], { cwd: dir });
    const withNew = await verifyWith('new.pem');
    expect(withNew.code, withNew.output).toBe(0);
    expect(withNew.stdout).toContain('Verified OK');
    expect((await verifyWith('old.pem')).code).not.toBe(0);
    // node:crypto agrees.
    expect(verify('sha256', message, new X509Certificate(result.certificate).publicKey, readFileSync(join(dir, 'sig.bin')))).toBe(true);
  });

  it('yubico-piv-tool shows the new certificate in 9A; our key check agrees the key is the certified one', async () => {
    const status = succeeded(await ykpiv(['-a', 'status']), 'yubico-piv-tool -a status').stdout;
    expect(status).toContain(`\tFingerprint:\t${createHash('sha256').update(result.certificate).digest('hex')}`);
    expect(status).toMatch(/^Slot 9a:/m);
    expect(await keyCheck()).toBe(true);
  });

  it('yubico-piv-tool fetches the attestation of 9A and the F9 certificate; openssl verifies one with the other, for the new key', async () => {
    succeeded(await ykpiv(['-a', 'attest', '-s', '9a', '-o', join(dir, 'attestation.pem')]), 'yubico-piv-tool -a attest');
    succeeded(await ykpiv(['-a', 'read-certificate', '-s', 'f9', '-o', join(dir, 'f9.pem')]), 'yubico-piv-tool -a read-certificate -s f9');
    const verified = await runTool('openssl', ['verify', '-CAfile', 'f9.pem', 'attestation.pem'], { cwd: dir });
    expect(verified.code, verified.output).toBe(0);
    expect(verified.stdout).toContain('attestation.pem: OK');
    const attestation = new X509Certificate(readFileSync(join(dir, 'attestation.pem')));
    expect(attestation.subject).toBe('CN=PIV Attestation 9A');
    expect(attestation.publicKey.equals(new X509Certificate(result.certificate).publicKey)).toBe(true);
    // The F9 certificate on the card is the one the directory registered the key of.
    const f9 = new X509Certificate(readFileSync(join(dir, 'f9.pem')));
    expect(f9.publicKey.export({ type: 'spki', format: 'der' }).equals(attestationPublicKey(made.state.attestation!))).toBe(true);
    // And the attestation sent with the request was for the same key as this one.
    expect(readAttestation(sent.attestation!).spki.equals(attestation.publicKey.export({ type: 'spki', format: 'der' }))).toBe(true);
  });
});

describe('a card without a registered attestation key renewed through pcscd', () => {
  it("its old 9A key signs the renewal (the passcode verified) before GENERATE replaces it: nine commands, the signature checks with the old certificate", async () => {
    const made = (await rig.card('card-near-expiry', { algorithm: 'p256', passcode: PASSCODE, validDays: 20 })).made;
    const card = makeTestCard(CARD_SLOT, { state: made.state });
    const sent: Sent = { attestation: null, attested: false };
    await card.insert();
    try {
      await untilCardPresent(driver, READER_NAME);
      const logStart = card.log.length;
      const renewal = { renewalId: 'conformance-renewal', cardUuid: made.cardUuid };
      const result = await cardRenewal({
        readers: driver,
        reader: READER_NAME,
        passcode: Buffer.from(PASSCODE, 'ascii'),
        relay: localRelay(made, sent, 'old-key-signature'),
        renewal,
        algorithm: 'p256',
        holderName: HOLDER,
      });
      expect(result.apdus).toBe(9);
      expect(card.log.slice(logStart, logStart + 9).map((c) => [c.ins, c.p2])).toEqual([
        [0xa4, 0x00],
        [0x20, 0x80],
        [0x87, 0x9b],
        [0x87, 0x9b],
        [0x87, 0x9a],
        [0x47, 0x9a],
        [0xf9, 0x00], // ATTEST names its slot in P1
        [0x87, 0x9a],
        [0xdb, 0xff],
      ]);
      const payload = Buffer.from(renewalKeyAuthorisation(renewal), 'utf8');
      const oldKey = new X509Certificate(made.certificate.der).publicKey;
      expect(verify('sha256', payload, { key: oldKey, dsaEncoding: 'der' }, sent.oldKeySignature!)).toBe(true);
      expect(verify('sha256', payload, { key: new X509Certificate(result.certificate).publicKey, dsaEncoding: 'der' }, sent.oldKeySignature!)).toBe(false);
      expect(await keyCheck()).toBe(true);
    } finally {
      const gone = driver.readers().some((r) => r.name === READER_NAME && r.cardPresent) ? waitFor(driver, 'card-removed', READER_NAME) : Promise.resolve();
      await card.remove();
      await gone;
    }
  }, 120_000);
});
