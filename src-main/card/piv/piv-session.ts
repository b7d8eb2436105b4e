import type { KeyObject } from 'node:crypto';
import { ApduChannel } from '../apdu-channel.js';
import { ApduFormatError, parseCommand, type CommandApdu } from '../apdu.js';
import { CardError } from '../card-error.js';
import { wipe } from '../bytes.js';
import { errorForStatus, expectOk, SW } from '../status-words.js';
import { decodeSingleTlv, decodeTlvs, encodeTag, requireTlv, tlv, TlvError } from '../../../src-shared/card/tlv.js';
import { ALG, INS, KEY_REF, OBJECT, PIV_AID, type Slot } from './piv-constants.js';
import { parseCertificateObject, parseChuid, encodeCertificateObject, type Chuid } from '../../../src-shared/card/piv-objects.js';
import { passcodeBlock, pukBlock } from './piv-reference-data.js';
import { parsePublicKeyTemplate } from './piv-public-key.js';
import { signatureInput } from './piv-signature-input.js';
import type { ManagementKeyResponder } from './piv-management-key.js';
import {
  parseKeyMetadata,
  parseManagementKeyMetadata,
  parseReferenceRetries,
  type KeyMetadata,
  type ManagementKeyMetadata,
  type ReferenceRetries,
} from './piv-metadata.js';

// The PIV card edge: one method per card operation, over a channel the caller owns (inside a
// reader transaction). No UI and no service knowledge: passcodes come in as bytes, management
// key cryptography comes from a responder.

/**
 * What blocks the PIN and the PUK before a factory reset: not digits, so never a passcode or a
 * PUK (both are digits only) and never the right value, however many times it is tried.
 */
const BLOCKING_VALUE = Buffer.from('clear-00', 'ascii');
/** More tries than any card allows (Yubico: at most 15); a card still answering 63Cx after this is broken. */
const MAX_BLOCKING_TRIES = 16;
/** An empty `53` object: PUT DATA with it deletes the object. */
const EMPTY_OBJECT = Buffer.from([0x53, 0x00]);

export type PinStatus = { verified: true } | { verified: false; attemptsRemaining: number };

export class PivSession {
  constructor(readonly channel: ApduChannel) {}

  /** APDUs sent so far over this session's channel. */
  get apduCount(): number {
    return this.channel.transmitted;
  }

  async select(): Promise<void> {
    const resp = await this.channel.send({ cla: 0, ins: INS.SELECT, p1: 0x04, p2: 0x00, data: PIV_AID, ne: 256 });
    expectOk(resp, 'Selecting the PIV application');
  }

  /** Returns the whole stored object (`53 ...` or `7E ...`), or undefined when the card has none. */
  async getData(tag: number): Promise<Buffer | undefined> {
    const resp = await this.channel.send({
      cla: 0,
      ins: INS.GET_DATA,
      p1: 0x3f,
      p2: 0xff,
      data: tlv(0x5c, encodeTag(tag)),
      ne: this.channel.maxNe,
    });
    if (resp.sw === SW.NOT_FOUND) return undefined;
    return expectOk(resp, 'Reading a card object');
  }

  async putData(tag: number, object: Uint8Array): Promise<void> {
    const resp = await this.channel.send({
      cla: 0,
      ins: INS.PUT_DATA,
      p1: 0x3f,
      p2: 0xff,
      data: Buffer.concat([tlv(0x5c, encodeTag(tag)), object]),
    });
    expectOk(resp, 'Writing a card object');
  }

  async readChuid(): Promise<Chuid | undefined> {
    const object = await this.getData(0x5fc102);
    return object ? wrapParse(() => parseChuid(object), 'CHUID') : undefined;
  }

  /** The DER certificate in a slot, or undefined when the slot has none. */
  async readCertificate(slot: Slot): Promise<Buffer | undefined> {
    const object = await this.getData(slot.certificateObject);
    return object ? wrapParse(() => parseCertificateObject(object), 'certificate') : undefined;
  }

  async writeCertificate(slot: Slot, der: Uint8Array): Promise<void> {
    await this.putData(slot.certificateObject, encodeCertificateObject(der));
  }

  /** Empty VERIFY: is the passcode verified, and if not, how many attempts remain. */
  async pinStatus(): Promise<PinStatus> {
    const resp = await this.channel.send({ cla: 0, ins: INS.VERIFY, p1: 0x00, p2: KEY_REF.PIN });
    if (resp.sw === SW.OK) return { verified: true };
    if ((resp.sw & 0xfff0) === 0x63c0) return { verified: false, attemptsRemaining: resp.sw & 0x0f };
    if (resp.sw === SW.AUTH_BLOCKED) return { verified: false, attemptsRemaining: 0 };
    throw errorForStatus(resp.sw, 'Asking the card for passcode attempts');
  }

  /** VERIFY the passcode. Throws WrongPasscodeError (attempts left) or CardBlockedError. */
  async verifyPin(passcode: Uint8Array): Promise<void> {
    const block = passcodeBlock(passcode);
    try {
      const resp = await this.send({ cla: 0, ins: INS.VERIFY, p1: 0x00, p2: KEY_REF.PIN, data: block }, true);
      expectOk(resp, 'Checking the passcode', 'PIN');
    } finally {
      wipe(block);
    }
  }

  /** VERIFY with P1=FF: the card forgets that the passcode was verified. */
  async logout(): Promise<void> {
    const resp = await this.channel.send({ cla: 0, ins: INS.VERIFY, p1: 0xff, p2: KEY_REF.PIN });
    expectOk(resp, 'Signing out of the card');
  }

  async changePin(current: Uint8Array, next: Uint8Array): Promise<void> {
    await this.changeReferenceData(KEY_REF.PIN, passcodeBlock, current, next);
  }

  async changePuk(current: Uint8Array, next: Uint8Array): Promise<void> {
    await this.changeReferenceData(KEY_REF.PUK, pukBlock, current, next);
  }

  /** RESET RETRY COUNTER: the PUK sets a new passcode and restores its attempts. */
  async unblockPin(puk: Uint8Array, newPasscode: Uint8Array): Promise<void> {
    const newBlock = passcodeBlock(newPasscode);
    const pukPart = pukBlock(puk);
    const data = Buffer.concat([pukPart, newBlock]);
    try {
      const resp = await this.send({ cla: 0, ins: INS.RESET_RETRY_COUNTER, p1: 0x00, p2: KEY_REF.PIN, data }, true);
      expectOk(resp, 'Unlocking the card', 'PUK');
    } finally {
      wipe(newBlock, pukPart, data);
    }
  }

  /** Signs `message` (SHA-256) with the key in `slot`; the passcode must be verified first. */
  async sign(slot: Slot, alg: typeof ALG.RSA2048 | typeof ALG.ECC_P256, message: Uint8Array): Promise<Buffer> {
    const input = signatureInput(alg, message);
    const resp = await this.channel.send({
      cla: 0,
      ins: INS.GENERAL_AUTHENTICATE,
      p1: alg,
      p2: slot.keyRef,
      data: tlv(0x7c, tlv(0x82), tlv(0x81, input)),
      ne: this.channel.maxNe,
    });
    const data = expectOk(resp, 'Signing with the card');
    const signature = wrapParse(() => requireTlv(decodeTlvs(decodeSingleTlv(data, 0x7c).value), 0x82, 'signature'), 'signature');
    if (alg === ALG.RSA2048 && signature.length !== 256) {
      throw new CardError('malformed-response', 'The card returned an RSA signature of the wrong length.');
    }
    return Buffer.from(signature);
  }

  /** Mutual authentication with the management key, the cryptography done by `responder`. */
  async authenticateManagementKey(responder: ManagementKeyResponder): Promise<void> {
    const ga = (data: Buffer): CommandApdu => ({
      cla: 0,
      ins: INS.GENERAL_AUTHENTICATE,
      p1: responder.algorithm,
      p2: KEY_REF.MANAGEMENT,
      data,
      ne: 256,
    });
    const first = expectOk(await this.channel.send(ga(tlv(0x7c, tlv(0x80)))), 'Starting management key authentication');
    const encryptedWitness = wrapParse(() => requireTlv(decodeTlvs(decodeSingleTlv(first, 0x7c).value), 0x80, 'witness'), 'witness');
    const { witness, challenge } = await responder.answerWitness(encryptedWitness);
    const second = expectOk(
      await this.send(ga(tlv(0x7c, tlv(0x80, witness), tlv(0x81, challenge))), true),
      'Completing management key authentication',
    );
    wipe(witness);
    const encryptedChallenge = wrapParse(() => requireTlv(decodeTlvs(decodeSingleTlv(second, 0x7c).value), 0x82, 'response'), 'response');
    await responder.checkCardResponse(encryptedChallenge);
  }

  /** GENERATE ASYMMETRIC KEY PAIR in `slot`; needs management key authentication. */
  async generateKey(slot: Slot, alg: typeof ALG.RSA2048 | typeof ALG.ECC_P256): Promise<KeyObject> {
    const resp = await this.channel.send({
      cla: 0,
      ins: INS.GENERATE_ASYMMETRIC,
      p1: 0x00,
      p2: slot.keyRef,
      data: tlv(0xac, tlv(0x80, Buffer.from([alg]))),
      ne: this.channel.maxNe,
    });
    return parsePublicKeyTemplate(alg, expectOk(resp, 'Generating a key on the card'));
  }

  /**
   * Yubico GET METADATA for a key slot, without the passcode: the key the slot holds, null when
   * it holds none, undefined when the card does not know the command (a plain NIST PIV card).
   */
  async keyMetadata(slot: Slot): Promise<KeyMetadata | null | undefined> {
    const resp = await this.channel.send({ cla: 0, ins: INS.GET_METADATA, p1: 0x00, p2: slot.keyRef, ne: this.channel.maxNe });
    if (resp.sw === SW.INS_NOT_SUPPORTED || resp.sw === SW.CLA_NOT_SUPPORTED || resp.sw === SW.FUNCTION_NOT_SUPPORTED) return undefined;
    if (resp.sw === SW.REFERENCE_NOT_FOUND) return null;
    return parseKeyMetadata(expectOk(resp, 'Reading what key the card holds'));
  }

  /**
   * Yubico GET METADATA for the PIN or the PUK: its retry counter, read without spending a try;
   * undefined when the card does not know the command (a plain NIST PIV card).
   */
  async referenceRetries(keyRef: typeof KEY_REF.PIN | typeof KEY_REF.PUK): Promise<ReferenceRetries | undefined> {
    const resp = await this.channel.send({ cla: 0, ins: INS.GET_METADATA, p1: 0x00, p2: keyRef, ne: this.channel.maxNe });
    if (resp.sw === SW.INS_NOT_SUPPORTED || resp.sw === SW.CLA_NOT_SUPPORTED || resp.sw === SW.FUNCTION_NOT_SUPPORTED) return undefined;
    return parseReferenceRetries(expectOk(resp, "Reading the card's retry counter"));
  }

  /**
   * Yubico ATTEST: a certificate (DER), signed by the card's attestation key, for the key in
   * `slot`, which the card issues only for a key it generated. Undefined when the card has no
   * attestation (a plain NIST PIV card, or one without an attestation key). Needs no passcode.
   */
  async attest(slot: Slot): Promise<Buffer | undefined> {
    const resp = await this.channel.send({ cla: 0, ins: INS.ATTEST, p1: slot.keyRef, p2: 0x00, ne: this.channel.maxNe });
    if (resp.sw === SW.INS_NOT_SUPPORTED || resp.sw === SW.FUNCTION_NOT_SUPPORTED) return undefined;
    const der = expectOk(resp, 'Asking the card to attest its key');
    if (der.length === 0) throw new CardError('malformed-response', 'The card returned an empty attestation.');
    return der;
  }

  /** Yubico GET SERIAL; undefined for cards without the extension. */
  async serial(): Promise<number | undefined> {
    const resp = await this.channel.send({ cla: 0, ins: INS.GET_SERIAL, p1: 0, p2: 0, ne: 256 });
    if (resp.sw !== SW.OK || resp.data.length !== 4) return undefined;
    return resp.data.readUInt32BE(0);
  }

  /** Yubico GET VERSION ("5.4.3"); undefined for a card without the extension. */
  async version(): Promise<string | undefined> {
    const resp = await this.channel.send({ cla: 0, ins: INS.GET_VERSION, p1: 0, p2: 0, ne: 256 });
    if (resp.sw !== SW.OK || resp.data.length !== 3) return undefined;
    return [...resp.data].join('.');
  }

  /**
   * Yubico GET METADATA 9B: the management key's algorithm and whether it is the factory key;
   * undefined when the card does not know the command (then the key is 3DES).
   */
  async managementKeyMetadata(): Promise<ManagementKeyMetadata | undefined> {
    const resp = await this.channel.send({ cla: 0, ins: INS.GET_METADATA, p1: 0x00, p2: KEY_REF.MANAGEMENT, ne: this.channel.maxNe });
    if (resp.sw === SW.INS_NOT_SUPPORTED || resp.sw === SW.CLA_NOT_SUPPORTED || resp.sw === SW.FUNCTION_NOT_SUPPORTED) return undefined;
    return parseManagementKeyMetadata(expectOk(resp, "Reading the card's management key metadata"));
  }

  /**
   * Yubico SET PIN RETRIES: the PIN's and PUK's tries; both go back to their factory values.
   * Needs management key authentication and the verified PIN.
   */
  async setPinRetries(pinTries: number, pukTries: number): Promise<void> {
    const resp = await this.channel.send({ cla: 0, ins: INS.SET_PIN_RETRIES, p1: pinTries, p2: pukTries });
    expectOk(resp, "Setting the card's passcode attempts");
  }

  /**
   * Sends the service's SET MANAGEMENT KEY command (Yubico INS FF) exactly as the service built
   * it, so the new key never exists here in any other form; the bytes are wiped, whatever the
   * card answers. Nothing but that one command is accepted.
   */
  async sendManagementKeyCommand(command: Buffer): Promise<void> {
    let parsed: ReturnType<typeof parseCommand> | undefined;
    try {
      try {
        parsed = parseCommand(command);
      } catch (err) {
        if (err instanceof ApduFormatError) throw new CardError('wrong-data', 'The new management key command could not be read.', { cause: err });
        throw err;
      }
      if (parsed.cla !== 0x00 || parsed.ins !== INS.SET_MGMKEY) throw new CardError('wrong-data', 'The new management key command is not one.');
      const resp = await this.send({ cla: parsed.cla, ins: parsed.ins, p1: parsed.p1, p2: parsed.p2, data: parsed.data }, true);
      expectOk(resp, "Setting the card's management key");
    } finally {
      wipe(command, parsed?.data);
    }
  }

  /** Yubico RESET: the card back to its factory state; the card allows it only with the PIN and PUK both blocked. */
  async factoryReset(): Promise<void> {
    const resp = await this.channel.send({ cla: 0, ins: INS.RESET, p1: 0, p2: 0 });
    expectOk(resp, 'Resetting the card');
  }

  /** VERIFY with a value that is never the PIN until the card says it is blocked (63C0 or 6983). */
  async blockPin(): Promise<void> {
    await this.blockReference('Blocking the passcode', () => ({ cla: 0, ins: INS.VERIFY, p1: 0x00, p2: KEY_REF.PIN, data: BLOCKING_VALUE }));
  }

  /** CHANGE REFERENCE DATA on the PUK with a value that is never the PUK until it is blocked (63C0 or 6983). */
  async blockPuk(): Promise<void> {
    await this.blockReference('Blocking the PUK', () => ({
      cla: 0,
      ins: INS.CHANGE_REFERENCE_DATA,
      p1: 0x00,
      p2: KEY_REF.PUK,
      data: Buffer.concat([BLOCKING_VALUE, BLOCKING_VALUE]),
    }));
  }

  /** PUT DATA with an empty object: the card deletes the object (absent already is fine). */
  async deleteData(tag: number): Promise<void> {
    await this.putData(tag, EMPTY_OBJECT);
  }

  /** The attestation key's certificate (Yubico object 5FFF01, DER), or undefined when the card has none. */
  async readAttestationCertificate(): Promise<Buffer | undefined> {
    const object = await this.getData(OBJECT.YUBICO_ATTESTATION);
    return object ? wrapParse(() => parseCertificateObject(object), 'attestation certificate') : undefined;
  }

  private async blockReference(context: string, command: () => CommandApdu): Promise<void> {
    for (let tries = 0; tries < MAX_BLOCKING_TRIES; tries++) {
      const resp = await this.channel.send(command());
      // 63C0: that was the last try, so it is blocked now; 6983: it already was.
      if (resp.sw === SW.AUTH_BLOCKED || resp.sw === 0x63c0) return;
      if ((resp.sw & 0xfff0) === 0x63c0) continue;
      // 9000 would mean the value was right, which a non-digit value never is on a card of ours.
      throw resp.sw === SW.OK ? new CardError('unexpected-status', `${context}: the card accepted a value it should refuse.`) : errorForStatus(resp.sw, context);
    }
    throw new CardError('unexpected-status', `${context}: the card did not block after ${MAX_BLOCKING_TRIES} wrong values.`);
  }

  private async changeReferenceData(
    ref: number,
    toBlock: (v: Uint8Array) => Uint8Array,
    current: Uint8Array,
    next: Uint8Array,
  ): Promise<void> {
    const a = toBlock(current);
    const b = toBlock(next);
    const data = Buffer.concat([a, b]);
    try {
      const resp = await this.send({ cla: 0, ins: INS.CHANGE_REFERENCE_DATA, p1: 0x00, p2: ref, data }, true);
      expectOk(resp, ref === KEY_REF.PIN ? 'Changing the passcode' : 'Changing the PUK', ref === KEY_REF.PIN ? 'PIN' : 'PUK');
    } finally {
      wipe(a, b, data);
    }
  }

  private send(cmd: CommandApdu, sensitive: boolean) {
    return this.channel.send(cmd, { sensitive });
  }
}

function wrapParse<T>(parse: () => T, what: string): T {
  try {
    return parse();
  } catch (err) {
    if (err instanceof TlvError) throw new CardError('malformed-response', `The card's ${what} could not be read: ${err.message}.`, { cause: err });
    throw err;
  }
}
