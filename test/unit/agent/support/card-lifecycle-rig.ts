import { randomBytes, verify, X509Certificate } from 'node:crypto';
import { pivSession } from '../../../../src-main/agent/card-transaction.js';
import { cardAlgorithm } from '../../../../src-main/agent/card-facts.js';
import { sameKey } from '../../../../src-main/agent/card-key-check.js';
import { SLOT, ALG } from '../../../../src-main/card/piv/piv-constants.js';
import { localManagementKeyResponder } from '../../../../src-main/card/piv/piv-management-key.js';
import type { PivSession } from '../../../../src-main/card/piv/piv-session.js';
import { CardError } from '../../../../src-main/card/card-error.js';
import { blankCardState } from '../../../../src-main/virtual-card/blank-card.js';
import { InProcessReaderDriver } from '../../../../src-main/virtual-card/in-process-readers.js';
import { PivCardEngine, type CommandRecord } from '../../../../src-main/virtual-card/piv-card-engine.js';
import type { AsymmetricAlgorithm, VirtualCardState } from '../../../../src-shared/card/virtual-card-state.js';

// A blank card in the software PIV card, in an in-process reader, and what a card's holder (or
// a login) would notice about it afterwards, each asked in a fresh transaction.

export const READER = 'Reader 2';

const NAMES: Readonly<Record<number, string>> = {
  0xa4: 'SELECT',
  0x20: 'VERIFY',
  0x24: 'CHANGE REFERENCE DATA',
  0x87: 'GENERAL AUTHENTICATE',
  0x47: 'GENERATE',
  0xf9: 'ATTEST',
  0xdb: 'PUT DATA',
  0xcb: 'GET DATA',
  0xf7: 'GET METADATA',
  0xf8: 'GET SERIAL',
  0xfa: 'SET PIN RETRIES',
  0xfb: 'RESET',
  0xfd: 'GET VERSION',
  0xff: 'SET MANAGEMENT KEY',
  0xc0: 'GET RESPONSE',
};

/** A command as a person reads it: its name and the reference or object it is about. */
export function commandName(c: CommandRecord): string {
  const name = NAMES[c.ins] ?? `INS ${c.ins.toString(16)}`;
  // ATTEST names its slot in P1; the others their key or reference in P2.
  if (c.ins === 0xf9) return `${name} ${c.p1.toString(16).toUpperCase()}`;
  if (c.ins === 0x87 || c.ins === 0x47 || c.ins === 0xf7 || c.ins === 0x24) return `${name} ${c.p2.toString(16).toUpperCase()}`;
  return name;
}

export interface CardInReader {
  readonly readers: InProcessReaderDriver;
  readonly engine: PivCardEngine;
  /** Every command the card processed, in order. */
  readonly commands: CommandRecord[];
  /** Puts the card back in the reader (after it was pulled). */
  reinsert(): void;
}

export function blankCardInReader(state: VirtualCardState = blankCardState()): CardInReader {
  const commands: CommandRecord[] = [];
  const engine = new PivCardEngine(state, { onCommand: (r) => commands.push(r) });
  const readers = new InProcessReaderDriver([READER]);
  readers.insert(READER, engine);
  return { readers, engine, commands, reinsert: () => readers.insert(READER, engine) };
}

export function onCard<T>(card: CardInReader, work: (piv: PivSession) => Promise<T>): Promise<T> {
  return card.readers.transaction(
    READER,
    async (transport, atr) => {
      const piv = pivSession(transport, atr);
      await piv.select();
      return work(piv);
    },
    { resetAfter: true },
  );
}

/** The card signs with `passcode` and the signature checks with the key of the certificate it holds. */
export async function signsWithPasscode(card: CardInReader, passcode: string, algorithm: AsymmetricAlgorithm): Promise<boolean> {
  return onCard(card, async (piv) => {
    const certificate = await piv.readCertificate(SLOT.AUTHENTICATION);
    if (!certificate) return false;
    try {
      await piv.verifyPin(Buffer.from(passcode, 'ascii'));
    } catch (err) {
      if (err instanceof CardError) return false;
      throw err;
    }
    const message = randomBytes(32);
    const signature = await piv.sign(SLOT.AUTHENTICATION, cardAlgorithm(algorithm), message);
    return verify('sha256', message, new X509Certificate(certificate).publicKey, signature);
  });
}

/** Whether the card accepts `key` as its management key (AES-128: the service's). */
export function acceptsManagementKey(card: CardInReader, key: Buffer): Promise<boolean> {
  return onCard(card, async (piv) => {
    try {
      await piv.authenticateManagementKey(localManagementKeyResponder(ALG.AES128, key));
      return true;
    } catch (err) {
      if (err instanceof CardError) return false;
      throw err;
    }
  });
}

/**
 * What the card holds in slot 9A: nothing, a key without a certificate, a certificate with its
 * key, or a certificate beside a key that is not its (never allowed).
 */
export async function slot9a(card: CardInReader): Promise<'empty' | 'key-only' | 'certificate-with-its-key' | 'certificate-without-its-key'> {
  return onCard(card, async (piv) => {
    const certificate = await piv.readCertificate(SLOT.AUTHENTICATION);
    const metadata = await piv.keyMetadata(SLOT.AUTHENTICATION);
    if (!certificate) return metadata ? 'key-only' : 'empty';
    return metadata && sameKey(metadata.publicKey, new X509Certificate(certificate).publicKey) ? 'certificate-with-its-key' : 'certificate-without-its-key';
  });
}
