import { X509Certificate } from 'node:crypto';
import type { AsymmetricAlgorithm } from '../../src-shared/card/virtual-card-state.js';
import { guidToUuid } from '../../src-shared/card/piv-objects.js';
import { ALG, SLOT, type AsymmetricAlg } from '../card/piv/piv-constants.js';
import type { ReaderDriver } from '../pcsc/reader-driver.js';
import type { CardFacts } from './agent-model.js';
import { cardKeyMatchesCertificate } from './card-key-check.js';
import { withPivCard } from './card-transaction.js';
import { MESSAGES } from './agent-messages.js';

// Reading a card as it goes in, before anyone types a passcode: the card UUID (CHUID GUID), the
// 9A certificate and from it the holder's name and key type, and the passcode counter (an empty
// VERIFY, which costs no attempt), and whether the 9A key still belongs to that certificate
// (GET METADATA, also without the passcode).

/** The card cannot be used to sign in; the message says why in the holder's words. */
export class UnusableCardError extends Error {
  override name = 'UnusableCardError';
}

export interface CardReading {
  readonly facts: CardFacts;
  readonly attemptsRemaining: number | null;
  /**
   * Whether the 9A key belongs to the certificate beside it (card-key-check.ts): false after a
   * renewal cut short between the new key and its certificate; undefined when the card cannot say.
   */
  readonly keyMatches: boolean | undefined;
}

export function readCard(readers: ReaderDriver, reader: string): Promise<CardReading> {
  // Nothing here unlocks the card, so it is left as it was.
  return withPivCard(
    readers,
    reader,
    async (piv) => {
      const chuid = await piv.readChuid();
      if (!chuid) throw new UnusableCardError(MESSAGES.noCardId);
      const certificate = await piv.readCertificate(SLOT.AUTHENTICATION);
      if (!certificate) throw new UnusableCardError(MESSAGES.noCertificate);
      const { holderName, algorithm } = certificateFacts(certificate);
      const pin = await piv.pinStatus();
      const keyMatches = await cardKeyMatchesCertificate(piv, certificate);
      return {
        facts: { cardUuid: guidToUuid(chuid.guid), holderName, certificate, algorithm },
        attemptsRemaining: pin.verified ? null : pin.attemptsRemaining,
        keyMatches,
      };
    },
    { resetAfter: false },
  );
}

/** The holder's name (subject CN) and the key type of a 9A certificate. */
export function certificateFacts(der: Buffer): { holderName: string; algorithm: AsymmetricAlgorithm } {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(der);
  } catch {
    throw new UnusableCardError(MESSAGES.badCertificate);
  }
  const holderName = commonName(cert.subject);
  if (!holderName) throw new UnusableCardError(MESSAGES.badCertificate);
  const key = cert.publicKey;
  if (key.asymmetricKeyType === 'rsa' && key.asymmetricKeyDetails?.modulusLength === 2048) return { holderName, algorithm: 'rsa2048' };
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return { holderName, algorithm: 'p256' };
  throw new UnusableCardError(MESSAGES.badKey);
}

/** CN from Node's subject text: one `KEY=value` per line, values with specials JSON-quoted. */
function commonName(subject: string): string | undefined {
  const line = /^CN=(.*)$/m.exec(subject)?.[1];
  if (line === undefined) return undefined;
  let value = line;
  if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
    try {
      value = JSON.parse(value) as string;
    } catch {
      value = value.slice(1, -1);
    }
  }
  value = value.trim();
  return value.length > 0 && value.length <= 200 ? value : undefined;
}

export function cardAlgorithm(algorithm: AsymmetricAlgorithm): AsymmetricAlg {
  return algorithm === 'p256' ? ALG.ECC_P256 : ALG.RSA2048;
}
