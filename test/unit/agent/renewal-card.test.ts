import { createPublicKey, generateKeyPairSync, verify, X509Certificate, type KeyObject } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cardKeyMatchesCertificate } from '../../../src-main/agent/card-key-check.js';
import { pivSession } from '../../../src-main/agent/card-transaction.js';
import { cardRenewal, RenewalCertificateMismatchError, type RenewalRelay } from '../../../src-main/agent/renewal-card.js';
import { CardError } from '../../../src-main/card/card-error.js';
import { ALG, SLOT } from '../../../src-main/card/piv/piv-constants.js';
import { localManagementKeyResponder } from '../../../src-main/card/piv/piv-management-key.js';
import { WrongPasscodeError } from '../../../src-main/card/status-words.js';
import type { VanishMode } from '../../../src-main/virtual-card/fault-plan.js';
import { InProcessReaderDriver } from '../../../src-main/virtual-card/in-process-readers.js';
import { PivCardEngine, type CommandRecord } from '../../../src-main/virtual-card/piv-card-engine.js';
import { makeCard, type MadeCard } from '../../../src-service/ca/card-factory.js';
import { issueAuthenticationCertificate } from '../../../src-service/ca/authentication-certificate.js';
import { renewalKeyAuthorisation, type NewKeyProof } from '../../../src-shared/api/service-renewal.js';
import { attestationPublicKey, readAttestation } from '../../../src-shared/card/piv-attestation.js';
import { parseCertificateObject } from '../../../src-shared/card/piv-objects.js';
import type { VirtualCardState } from '../../../src-shared/card/virtual-card-state.js';
import { verifyCertificationRequest } from '../../../src-shared/crypto/pkcs10.js';
import { startServiceRig, type ServiceRig } from './support/agent-rig.js';

// The renewal card operation on its own: a factory-made card in the software PIV card, in an
// in-process reader; the service's half played in this process (the card's own management key,
// the request and the card's attestation of its key checked as the service checks them, the
// real CA issuing).

const READER = 'Reader 2';
const PASSCODE = '24681357';
const NAMES: Readonly<Record<number, string>> = {
  0xa4: 'SELECT',
  0x20: 'VERIFY',
  0x87: 'GENERAL AUTHENTICATE',
  0x47: 'GENERATE',
  0xf9: 'ATTEST',
  0xdb: 'PUT DATA',
  0xf7: 'GET METADATA',
  0xc0: 'GET RESPONSE',
};
const names = (commands: readonly CommandRecord[]): string[] => commands.map((c) => NAMES[c.ins] ?? c.ins.toString(16));

let rig: ServiceRig;
let readers: InProcessReaderDriver;
const made: Partial<Record<'rsa2048' | 'p256', MadeCard>> = {};

beforeAll(async () => {
  rig = await startServiceRig();
  for (const algorithm of ['rsa2048', 'p256'] as const) {
    const persona = rig.personas.get('card-near-expiry')!.persona;
    made[algorithm] = await makeCard(rig.service.ctx, { userUuid: persona.uuid, algorithm, passcode: PASSCODE, validDays: 30 });
  }
});
afterAll(async () => rig?.close());
afterEach(async () => readers?.close());

interface LocalRelay extends RenewalRelay {
  readonly requests: { commonName: string | null; publicKey: KeyObject; attested: boolean | null; oldKeySignature: Buffer | null }[];
  readonly authentications: number;
}

/** The service's half: answers with the card's management key, checks the request, issues. */
function localRelay(card: MadeCard, o: { issuedCertificate?: Buffer | null; issueForAnotherKey?: boolean; newKeyProof?: NewKeyProof } = {}): LocalRelay {
  const responder = localManagementKeyResponder(ALG.AES128, Buffer.from(card.state.managementKey.key, 'hex'));
  const persona = rig.personas.get('card-near-expiry')!.persona;
  const relay = {
    requests: [] as LocalRelay['requests'],
    authentications: 0,
    cardWitness: async (witness: Uint8Array) => {
      const answer = await responder.answerWitness(witness);
      return { exchangeId: 'exchange-1', witness: Buffer.from(answer.witness), challenge: Buffer.from(answer.challenge) };
    },
    authenticate: async (exchangeId: string, cardResponse: Uint8Array) => {
      expect(exchangeId).toBe('exchange-1');
      await responder.checkCardResponse(cardResponse);
      relay.authentications += 1;
      return { issuedCertificate: o.issuedCertificate ?? null, newKeyProof: o.newKeyProof ?? 'attestation' };
    },
    certificate: async (csr: Buffer, { attestation, oldKeySignature }: { attestation: Buffer | null; oldKeySignature: Buffer | null }) => {
      const request = verifyCertificationRequest(csr);
      relay.requests.push({ commonName: request.commonName, publicKey: request.publicKey, attested: attestation && attests(card, attestation, request.publicKey), oldKeySignature });
      const publicKey = o.issueForAnotherKey ? generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey : request.publicKey;
      const issued = issueAuthenticationCertificate(rig.service.ctx.ca, {
        givenName: persona.givenName,
        familyName: persona.familyName,
        userUuid: persona.uuid,
        publicKey,
        now: new Date(),
      });
      return { certificate: issued.der };
    },
  };
  return relay;
}

/** A certificate the CA issued to the card's holder for a fresh P-256 key, one no card holds (DER). */
const certificateForAnotherKey = (): Buffer =>
  issueAuthenticationCertificate(rig.service.ctx.ca, {
    givenName: 'Cara',
    familyName: 'Near-Expiry',
    userUuid: rig.personas.get('card-near-expiry')!.persona.uuid,
    publicKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey,
    now: new Date(),
  }).der;

/** As the service checks it: signed by the card's registered attestation key, for `key`, 9A, its serial. */
function attests(card: MadeCard, attestation: Buffer, key: KeyObject): boolean {
  const read = readAttestation(attestation);
  const registered = createPublicKey({ key: attestationPublicKey(card.state.attestation!), format: 'der', type: 'spki' });
  return read.certificate.verify(registered) && read.spki.equals(spki(key)) && read.slot === 0x9a && read.serial === card.serial;
}

function insertCard(card: MadeCard, state: VirtualCardState = card.state): { engine: PivCardEngine; commands: CommandRecord[] } {
  const commands: CommandRecord[] = [];
  const engine = new PivCardEngine(structuredClone(state), { onCommand: (r) => commands.push(r) });
  readers = new InProcessReaderDriver([READER]);
  readers.insert(READER, engine);
  return { engine, commands };
}

const RENEWAL_ID = 'renewal-id-1';
const renewalOf = (card: MadeCard) => ({ renewalId: RENEWAL_ID, cardUuid: card.cardUuid });
const renew = (card: MadeCard, relay: RenewalRelay, passcode = PASSCODE) =>
  cardRenewal({ readers, reader: READER, passcode: Buffer.from(passcode, 'ascii'), relay, renewal: renewalOf(card), algorithm: card.algorithm, holderName: 'Cara Near-Expiry' });

const spki = (k: KeyObject): Buffer => k.export({ type: 'spki', format: 'der' });
const certificateOn = (state: VirtualCardState): Buffer => parseCertificateObject(Buffer.from(state.objects['5fc105'] ?? '', 'hex'));

/** Whether the card's key (by a signature it makes now) and certificate go together, asked fresh. */
async function afterInsertion(engine: PivCardEngine): Promise<{ matches: boolean | undefined; certificate: Buffer }> {
  readers.insert(READER, engine);
  return readers.transaction(READER, async (transport, atr) => {
    const piv = pivSession(transport, atr);
    await piv.select();
    const certificate = (await piv.readCertificate(SLOT.AUTHENTICATION))!;
    return { matches: await cardKeyMatchesCertificate(piv, certificate), certificate };
  });
}

describe.each(['rsa2048', 'p256'] as const)('renewing a %s card', (algorithm) => {
  it('eight commands: a new 9A key made on the card, its attestation, a request it signed, the new certificate written', async () => {
    const card = made[algorithm]!;
    const { engine, commands } = insertCard(card);
    const relay = localRelay(card);
    const passcode = Buffer.from(PASSCODE, 'ascii');
    const result = await cardRenewal({ readers, reader: READER, passcode, relay, renewal: renewalOf(card), algorithm, holderName: 'Cara Near-Expiry' });

    expect(result.recovered).toBe(false);
    expect(result.apdus).toBe(8);
    expect(names(commands)).toEqual(['SELECT', 'VERIFY', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'GENERATE', 'ATTEST', 'GENERAL AUTHENTICATE', 'PUT DATA']);
    expect(commands.every((c) => c.sw === 0x9000)).toBe(true);
    expect(passcode.every((b) => b === 0)).toBe(true);

    const state = engine.snapshot();
    expect(state.keys['9a']?.pkcs8).not.toBe(card.state.keys['9a']?.pkcs8);
    expect(state.keys['9a']?.origin).toBe('generated');
    expect(certificateOn(state).equals(result.certificate)).toBe(true);
    const certificate = new X509Certificate(result.certificate);
    expect(certificate.checkIssued(rig.service.ctx.ca.issuing)).toBe(true);
    expect(relay.requests).toHaveLength(1);
    expect(relay.requests[0]?.commonName).toBe('Cara Near-Expiry');
    expect(relay.requests[0]?.attested).toBe(true);
    expect(spki(relay.requests[0]!.publicKey).equals(spki(certificate.publicKey))).toBe(true);
    expect(new X509Certificate(certificateOn(state)).serialNumber).not.toBe(new X509Certificate(card.certificate.der).serialNumber);

    // The card signs a login with the new key, which the new certificate verifies.
    const after = await afterInsertion(engine);
    expect(after.matches).toBe(true);
    const message = Buffer.from('login challenge');
    const signature = await readers.transaction(READER, async (transport, atr) => {
      const piv = pivSession(transport, atr);
      await piv.select();
      await piv.verifyPin(Buffer.from(PASSCODE, 'ascii'));
      return piv.sign(SLOT.AUTHENTICATION, algorithm === 'rsa2048' ? ALG.RSA2048 : ALG.ECC_P256, message);
    });
    expect(verify('sha256', message, certificate.publicKey, signature)).toBe(true);
  });

  it('a wrong passcode: refused with the attempts left, the service not asked, nothing generated', async () => {
    const card = made[algorithm]!;
    const { engine, commands } = insertCard(card);
    const relay = localRelay(card);
    const err = await renew(card, relay, '11111111').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WrongPasscodeError);
    expect((err as WrongPasscodeError).attemptsRemaining).toBe(2);
    expect(names(commands)).toEqual(['SELECT', 'VERIFY']);
    expect(relay.authentications).toBe(0);
    expect(engine.snapshot().keys['9a']).toEqual(card.state.keys['9a']);
    expect(String((err as Error).message)).not.toContain('11111111');
  });

  it('a certificate for another key is refused before anything is written', async () => {
    const card = made[algorithm]!;
    const { engine, commands } = insertCard(card);
    await expect(renew(card, localRelay(card, { issueForAnotherKey: true }))).rejects.toBeInstanceOf(RenewalCertificateMismatchError);
    expect(names(commands)).not.toContain('PUT DATA');
    const state = engine.snapshot();
    expect(certificateOn(state).equals(card.certificate.der)).toBe(true);
    // The card is left as a renewal pulled after GENERATE: new key, old certificate, noticed.
    expect((await afterInsertion(engine)).matches).toBe(false);
  });

  it('recovery: a certificate already issued for the key on the card is written without generating again', async () => {
    const card = made[algorithm]!;
    // First a renewal cut short after GENERATE, the request signed and the certificate issued.
    const first = insertCard(card);
    let issued: Buffer | undefined;
    const relay = localRelay(card);
    const cutShort: RenewalRelay = {
      cardWitness: relay.cardWitness,
      authenticate: relay.authenticate,
      certificate: async (csr, proof) => {
        const answer = await relay.certificate(csr, proof);
        issued = answer.certificate;
        throw new CardError('card-removed', 'The smartcard was removed.');
      },
    };
    await expect(renew(card, cutShort)).rejects.toBeInstanceOf(CardError);
    const pulled = first.engine.snapshot();
    expect(certificateOn(pulled).equals(card.certificate.der)).toBe(true);

    const { engine, commands } = insertCard(card, pulled);
    const result = await renew(card, localRelay(card, { issuedCertificate: issued! }));
    expect(result).toMatchObject({ recovered: true, apdus: 6 });
    expect(names(commands)).toEqual(['SELECT', 'VERIFY', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'GET METADATA', 'PUT DATA']);
    const state = engine.snapshot();
    expect(state.keys['9a']).toEqual(pulled.keys['9a']);
    expect(certificateOn(state).equals(issued!)).toBe(true);
    expect((await afterInsertion(engine)).matches).toBe(true);
  });

  it('an issued certificate whose key is not on the card: a new key is made and a new request sent', async () => {
    const card = made[algorithm]!;
    const other = certificateForAnotherKey();
    const { commands } = insertCard(card);
    const relay = localRelay(card, { issuedCertificate: other });
    const result = await renew(card, relay);
    expect(result.recovered).toBe(false);
    expect(names(commands)).toEqual(['SELECT', 'VERIFY', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'GET METADATA', 'GENERATE', 'ATTEST', 'GENERAL AUTHENTICATE', 'PUT DATA']);
    expect(relay.requests).toHaveLength(1);
  });
});

describe('the card pulled at every command of a renewal', () => {
  // What the card holds afterwards, and whether the key check on insertion notices it:
  //   old      = the old key and the old certificate (nothing changed: renew again)
  //   new-key  = a new key beside the old certificate (key check false: finish the renewal)
  //   renewed  = the new key and the new certificate (the service confirms at the next login)
  const COMMANDS = ['SELECT', 'VERIFY', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'GENERATE', 'ATTEST', 'GENERAL AUTHENTICATE', 'PUT DATA'];
  const EXPECTED: Record<VanishMode, readonly string[]> = {
    'before-processing': ['old', 'old', 'old', 'old', 'old', 'new-key', 'new-key', 'new-key'],
    'after-processing': ['old', 'old', 'old', 'old', 'new-key', 'new-key', 'new-key', 'renewed'],
  };

  it.each(['rsa2048', 'p256'] as const)('%s: the outcome at each command matches the table', async (algorithm) => {
    const card = made[algorithm]!;
    const table: string[] = [];
    for (const mode of ['before-processing', 'after-processing'] as const) {
      for (let at = 0; at < COMMANDS.length; at++) {
        const { engine } = insertCard(card);
        readers.faults(READER).vanishAfter(at, mode);
        const err = await renew(card, localRelay(card)).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(CardError);
        expect((err as CardError).code).toBe('card-removed');
        const state = engine.snapshot();
        const newKey = state.keys['9a']?.pkcs8 !== card.state.keys['9a']?.pkcs8;
        const newCertificate = !certificateOn(state).equals(card.certificate.der);
        const outcome = newCertificate ? (newKey ? 'renewed' : 'certificate-without-key') : newKey ? 'new-key' : 'old';
        const { matches } = await afterInsertion(engine);
        expect(matches, `${mode} ${COMMANDS[at]}`).toBe(outcome !== 'new-key');
        // The passcode was right: a pull never costs an attempt.
        expect(state.pin.triesLeft).toBe(3);
        table.push(`${mode} #${at} ${COMMANDS[at]}: ${outcome}`);
        await readers.close();
      }
    }
    const expected = (['before-processing', 'after-processing'] as const).flatMap((mode) => EXPECTED[mode].map((o, at) => `${mode} #${at} ${COMMANDS[at]}: ${o}`));
    expect(table).toEqual(expected);
  });
});

/** A PIV card without Yubico's extensions' GET METADATA (a plain NIST card). */
class NoMetadataCard extends PivCardEngine {
  override process(apdu: Uint8Array): Buffer {
    if (apdu[1] === 0xf7) return Buffer.from([0x6d, 0x00]);
    return super.process(apdu);
  }
}

describe('a card without GET METADATA', () => {
  function insertPlain(state: VirtualCardState): { engine: PivCardEngine; commands: CommandRecord[] } {
    const commands: CommandRecord[] = [];
    const engine = new NoMetadataCard(structuredClone(state), { onCommand: (r) => commands.push(r) });
    readers = new InProcessReaderDriver([READER]);
    readers.insert(READER, engine);
    return { engine, commands };
  }

  it('the key check cannot say (undefined), and says nothing for an unreadable certificate either', async () => {
    const card = made.p256!;
    const { engine } = insertPlain(card.state);
    expect((await afterInsertion(engine)).matches).toBeUndefined();
    const onNormalCard = insertCard(card);
    const unreadable = await readers.transaction(READER, async (transport, atr) => {
      const piv = pivSession(transport, atr);
      await piv.select();
      return cardKeyMatchesCertificate(piv, Buffer.from('not a certificate'));
    });
    expect(unreadable).toBeUndefined();
    expect(names(onNormalCard.commands)).toEqual(['SELECT']);
  });

  it.each(['rsa2048', 'p256'] as const)('%s recovery: the card proves it holds the issued key by a signature, and the certificate is written', async (algorithm) => {
    const card = made[algorithm]!;
    const first = insertCard(card);
    let issued: Buffer | undefined;
    const relay = localRelay(card);
    await renew(card, {
      ...relay,
      certificate: async (csr, proof) => {
        issued = (await relay.certificate(csr, proof)).certificate;
        throw new CardError('card-removed', 'The smartcard was removed.');
      },
    }).catch(() => undefined);
    const pulled = first.engine.snapshot();

    const { engine, commands } = insertPlain(pulled);
    const result = await renew(card, localRelay(card, { issuedCertificate: issued! }));
    expect(result).toMatchObject({ recovered: true, apdus: 7 });
    // GET METADATA is refused before the card's own log sees it; the count above includes it.
    expect(names(commands)).toEqual(['SELECT', 'VERIFY', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'PUT DATA']);
    expect(certificateOn(engine.snapshot()).equals(issued!)).toBe(true);
  });

  it('an issued certificate for another key: the probe signature does not verify, so a new key is made', async () => {
    const card = made.p256!;
    const { commands } = insertPlain(card.state);
    // The card's current certificate stands in for one issued for a key no longer on the card.
    const stale = certificateForAnotherKey();
    const result = await renew(card, localRelay(card, { issuedCertificate: stale }));
    expect(result.recovered).toBe(false);
    expect(names(commands)).toEqual(['SELECT', 'VERIFY', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'GENERATE', 'ATTEST', 'GENERAL AUTHENTICATE', 'PUT DATA']);
    expect(result.apdus).toBe(10);
  });
});

/** A PIV card without Yubico attestation: ATTEST is refused with `sw` before the card's log sees it. */
class NoAttestationCard extends PivCardEngine {
  constructor(
    state: VirtualCardState,
    private readonly sw: number,
    options: ConstructorParameters<typeof PivCardEngine>[1],
  ) {
    super(state, options);
  }
  override process(apdu: Uint8Array): Buffer {
    if (apdu[1] === 0xf9) return Buffer.from([this.sw >> 8, this.sw & 0xff]);
    return super.process(apdu);
  }
}

describe('a card without attestation', () => {
  function insertWith(engine: PivCardEngine): void {
    readers = new InProcessReaderDriver([READER]);
    readers.insert(READER, engine);
  }

  it.each([
    ['6D00 (no such command)', 0x6d00],
    ['6A81 (no such function)', 0x6a81],
  ])('answering %s: the request goes without an attestation, for the service to judge; still eight commands', async (_what, sw) => {
    const card = made.p256!;
    const commands: CommandRecord[] = [];
    insertWith(new NoAttestationCard(structuredClone(card.state), sw, { onCommand: (r) => commands.push(r) }));
    const relay = localRelay(card);
    const result = await renew(card, relay);
    expect(result.apdus).toBe(8);
    expect(names(commands)).toEqual(['SELECT', 'VERIFY', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'GENERATE', 'GENERAL AUTHENTICATE', 'PUT DATA']);
    expect(relay.requests.map((r) => r.attested)).toEqual([null]);
  });

  it("rule: when the service asks for the old key's signature, the old 9A key signs the renewal before GENERATE replaces it (nine commands)", async () => {
    for (const algorithm of ['rsa2048', 'p256'] as const) {
      const card = made[algorithm]!;
      const commands: CommandRecord[] = [];
      const engine = new NoAttestationCard(structuredClone(card.state), 0x6d00, { onCommand: (r) => commands.push(r) });
      insertWith(engine);
      const relay = localRelay(card, { newKeyProof: 'old-key-signature' });
      const result = await renew(card, relay);
      expect(result.apdus).toBe(9);
      // ATTEST is refused before the card's log sees it; the count above includes it.
      expect(names(commands)).toEqual(['SELECT', 'VERIFY', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'GENERATE', 'GENERAL AUTHENTICATE', 'PUT DATA']);
      expect(commands[4]?.p2).toBe(0x9a);
      const [request] = relay.requests;
      expect(request?.attested).toBeNull();
      const payload = Buffer.from(renewalKeyAuthorisation(renewalOf(card)), 'utf8');
      const oldKey = new X509Certificate(card.certificate.der).publicKey;
      // Made by the key the old certificate is for (so with the passcode), not by the new one.
      expect(verify('sha256', payload, { key: oldKey, dsaEncoding: 'der' }, request!.oldKeySignature!)).toBe(true);
      expect(verify('sha256', payload, { key: request!.publicKey, dsaEncoding: 'der' }, request!.oldKeySignature!)).toBe(false);
      expect(certificateOn(engine.snapshot()).equals(result.certificate)).toBe(true);
      await readers.close();
    }
  });

  it('pulled at the old-key signature, the card keeps its old key and certificate (renew again)', async () => {
    const card = made.p256!;
    for (const mode of ['before-processing', 'after-processing'] as const) {
      const engine = new NoAttestationCard(structuredClone(card.state), 0x6d00, {});
      insertWith(engine);
      readers.faults(READER).vanishAfter(4, mode);
      const err = await renew(card, localRelay(card, { newKeyProof: 'old-key-signature' })).catch((e: unknown) => e);
      expect((err as CardError).code).toBe('card-removed');
      const state = engine.snapshot();
      expect(state.keys['9a']).toEqual(card.state.keys['9a']);
      expect(certificateOn(state).equals(card.certificate.der)).toBe(true);
      await readers.close();
    }
  });

  it("the service asking for attestation gets no old-key signature, even from a card that cannot attest", async () => {
    const card = made.p256!;
    insertWith(new NoAttestationCard(structuredClone(card.state), 0x6d00, {}));
    const relay = localRelay(card);
    await renew(card, relay);
    expect(relay.requests.map((r) => r.oldKeySignature)).toEqual([null]);
  });

  it('a virtual card from before attestation keys (its state has none) answers 6A81 and renews the same way', async () => {
    const card = made.rsa2048!;
    const { attestation: _none, ...old } = structuredClone(card.state);
    const { commands } = insertCard(card, old);
    const relay = localRelay(card);
    await renew(card, relay);
    expect(commands.find((c) => c.ins === 0xf9)?.sw).toBe(0x6a81);
    expect(relay.requests.map((r) => r.attested)).toEqual([null]);
  });

  it('any other refusal of ATTEST stops the renewal before the request is signed or anything written', async () => {
    const card = made.p256!;
    const commands: CommandRecord[] = [];
    insertWith(new NoAttestationCard(structuredClone(card.state), 0x6a80, { onCommand: (r) => commands.push(r) }));
    const relay = localRelay(card);
    await expect(renew(card, relay)).rejects.toBeInstanceOf(CardError);
    expect(names(commands)).toEqual(['SELECT', 'VERIFY', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'GENERATE']);
    expect(relay.requests).toHaveLength(0);
  });
});
