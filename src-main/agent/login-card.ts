import { randomBytes, verify as verifySignature, X509Certificate } from 'node:crypto';
import type { z } from 'zod';
import { loginSignedPayload, type SessionInfo, type VerifyResponse } from '../../src-shared/api/service-login.js';
import { wipe } from '../card/bytes.js';
import { SLOT } from '../card/piv/piv-constants.js';
import type { ReaderDriver } from '../pcsc/reader-driver.js';
import type { ServiceClient } from '../service-client/service-client.js';
import type { CardFacts } from './agent-model.js';
import { cardAlgorithm } from './card-facts.js';
import { withPivCard, withVerifiedPivCard } from './card-transaction.js';

// The two card operations that take the passcode. Each runs in ONE reader transaction that
// resets the card afterwards, so a verified passcode never outlives it, and each wipes the
// passcode bytes as soon as the card has seen them.

export interface CardSignatureInput<T> {
  readonly readers: ReaderDriver;
  readonly reader: string;
  readonly facts: CardFacts;
  /** Wiped here, right after VERIFY. */
  readonly passcode: Buffer;
  /** Asked once the card has accepted the passcode: the service's challenge, as the exact bytes to sign. */
  readonly challenge: () => Promise<Buffer>;
  /** The card's 9A signature over them, for the service to check. */
  readonly submit: (signature: Buffer) => Promise<T>;
}

/**
 * VERIFY, then the card's 9A signature over a service challenge, in one transaction: what a
 * login and every change the card must approve (a contact change) have in common.
 */
export function cardSignChallenge<T>(input: CardSignatureInput<T>): Promise<T> {
  return withVerifiedPivCard(input.readers, input.reader, input.passcode, async (piv) => {
    const payload = await input.challenge();
    const signature = await piv.sign(SLOT.AUTHENTICATION, cardAlgorithm(input.facts.algorithm), payload);
    return input.submit(signature);
  });
}

export interface CardLoginInput {
  readonly readers: ReaderDriver;
  readonly reader: string;
  readonly facts: CardFacts;
  /** Wiped here, right after VERIFY. */
  readonly passcode: Buffer;
  readonly workstationId: string;
  /** The origin of the service this agent is configured for: the one its card signs for. */
  readonly serviceOrigin: string;
  readonly service: Pick<ServiceClient, 'challenge' | 'verify'>;
}

/** The challenge came from a service answering for another origin than the one configured. */
export class ForeignServiceOriginError extends Error {
  override name = 'ForeignServiceOriginError';
}

/**
 * VERIFY, then the service's challenge, the card's 9A signature over it, and the service's check.
 * The card signs for the origin this agent is configured with, never for one the answer names: a
 * service (or anything in between) naming another origin is asking for a signature it could
 * replay there, so the card is not asked at all.
 */
export function cardLogin(input: CardLoginInput): Promise<z.infer<typeof VerifyResponse>> {
  const { facts, workstationId, serviceOrigin } = input;
  let nonce = '';
  return cardSignChallenge({
    ...input,
    challenge: async () => {
      const challenge = await input.service.challenge(workstationId);
      if (challenge.serviceOrigin !== serviceOrigin) throw new ForeignServiceOriginError('the challenge names another service origin');
      nonce = challenge.nonce;
      return Buffer.from(loginSignedPayload({ nonce, serviceOrigin, workstationId }), 'utf8');
    },
    submit: (signature) =>
      input.service.verify({
        nonce,
        workstationId,
        algorithm: facts.algorithm,
        certificate: facts.certificate.toString('base64'),
        signature: signature.toString('base64'),
      }),
  });
}

/** The card in the reader is not the one whose certificate opened the session. */
export class NotTheSessionCardError extends Error {
  override name = 'NotTheSessionCardError';
}

export interface CardResumeInput {
  readonly readers: ReaderDriver;
  readonly reader: string;
  /** The facts of the card that opened the session. */
  readonly sessionCard: CardFacts;
  readonly passcode: Buffer;
  readonly token: string;
  readonly service: Pick<ServiceClient, 'session'>;
}

/**
 * Unlocking a locked session: VERIFY on the card, then the card signs a fresh random challenge
 * with its 9A key, checked here against the certificate that opened the session (a copied card
 * UUID is not enough), then the service confirms the session is still live.
 */
export function cardResume(input: CardResumeInput): Promise<z.infer<typeof SessionInfo>> {
  return withVerifiedPivCard(input.readers, input.reader, input.passcode, async (piv) => {
    const challenge = randomBytes(32);
    const signature = await piv.sign(SLOT.AUTHENTICATION, cardAlgorithm(input.sessionCard.algorithm), challenge);
    const publicKey = new X509Certificate(input.sessionCard.certificate).publicKey;
    // PIV cards return ECDSA signatures DER-encoded, Node's default for EC keys.
    const ok = verifySignature('sha256', challenge, publicKey, signature);
    if (!ok) throw new NotTheSessionCardError('the card could not prove it holds the session key');
    return input.service.session(input.token);
  });
}

export interface CardChangePasscodeInput {
  readonly readers: ReaderDriver;
  readonly reader: string;
  /** Both wiped here, whatever the card answers. */
  readonly current: Buffer;
  readonly next: Buffer;
}

/** SELECT, then CHANGE REFERENCE DATA for the passcode: the card checks the current one itself. */
export async function cardChangePasscode(input: CardChangePasscodeInput): Promise<void> {
  try {
    await withPivCard(input.readers, input.reader, (piv) => piv.changePin(input.current, input.next));
  } finally {
    wipe(input.current, input.next);
  }
}
