import type { RepairedPart } from '../../src-shared/api/cim-cards.js';
import { encodeChuid, guidToUuid, uuidToGuid } from '../../src-shared/card/piv-objects.js';
import { CardError } from '../card/card-error.js';
import { OBJECT, SLOT } from '../card/piv/piv-constants.js';
import type { PivSession } from '../card/piv/piv-session.js';
import { cardAlgorithm } from './card-facts.js';
import { sameKey } from './card-key-check.js';
import type { RepairCardInput, RepairCardResult } from './card-lifecycle-types.js';
import { withPivCard } from './card-transaction.js';
import { authenticateThroughService } from './relayed-management-key.js';
import { certificateKey } from './renewal-card.js';

// Repairing a smartcard whose objects were damaged or lost: ONE reader transaction, reset
// afterwards. Never the passcode: the holder keeps theirs, and the card's key is not touched.
//
//   SELECT; GET DATA 5FC102 (CHUID); GET DATA 5FC105 (9A certificate); GET METADATA 9A (the
//   card's key, without the passcode); GENERAL AUTHENTICATE 9B twice (the service's management
//   key, relayed: only the card on record answers, and PUT DATA needs it);
//   [PUT DATA 5FC102: the CHUID with the card UUID on record, when it is missing or another];
//   [PUT DATA 5FC105: the live certificate on record, when the card's is missing or another,
//   and ONLY when the card's 9A key is that certificate's key].
//
// A card whose key is not the certificate's (or that cannot say which key it holds) is never
// given the certificate: keyMatches false tells the service, which asks for a new card instead.

export async function repairCard(input: RepairCardInput): Promise<RepairCardResult> {
  return withPivCard(input.readers, input.reader, async (piv) => {
    const relay = input.relay;
    input.onStage?.('reading-card');
    const chuidUuid = await readable(async () => {
      const chuid = await piv.readChuid();
      return chuid ? guidToUuid(chuid.guid) : undefined;
    });
    const onCard = await readable(() => piv.readCertificate(SLOT.AUTHENTICATION));
    const keyMatches = await holdsCertificateKey(piv, input);

    input.onStage?.('checking-card');
    await authenticateThroughService(piv, relay, (exchangeId, cardResponse) => relay.authenticate(exchangeId, cardResponse));

    const repaired: RepairedPart[] = [];
    input.onStage?.('rewriting');
    if (chuidUuid !== input.cardUuid.toLowerCase()) {
      await piv.putData(OBJECT.CHUID, encodeChuid(uuidToGuid(input.cardUuid)));
      repaired.push('chuid');
    }
    if (keyMatches && !(onCard?.equals(input.certificate) ?? false)) {
      await piv.writeCertificate(SLOT.AUTHENTICATION, input.certificate);
      repaired.push('certificate');
    }
    return { repaired, keyMatches, apdus: piv.apduCount };
  });
}

/** Whether the card's 9A key (GET METADATA) is the recorded certificate's key, of the card's algorithm. */
async function holdsCertificateKey(piv: PivSession, input: RepairCardInput): Promise<boolean> {
  let metadata;
  try {
    metadata = await piv.keyMetadata(SLOT.AUTHENTICATION);
  } catch (err) {
    // A key of a type no card of ours holds is not the certificate's.
    if (err instanceof CardError && err.code === 'wrong-data') return false;
    throw err;
  }
  if (!metadata) return false;
  return metadata.algorithm === cardAlgorithm(input.algorithm) && sameKey(metadata.publicKey, certificateKey(input.certificate));
}

/** A damaged object reads as missing: it is rewritten. */
async function readable<T>(read: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof CardError && err.code === 'malformed-response') return undefined;
    throw err;
  }
}
