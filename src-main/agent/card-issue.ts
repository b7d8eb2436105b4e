import { encodeChuid, uuidToGuid } from '../../src-shared/card/piv-objects.js';
import { checkPasscode } from '../../src-shared/domain/passcode-policy.js';
import { wipe } from '../card/bytes.js';
import { CardError } from '../card/card-error.js';
import { DEFAULT_MANAGEMENT_KEY, KEY_REF, OBJECT, SLOT } from '../card/piv/piv-constants.js';
import { localManagementKeyResponder } from '../card/piv/piv-management-key.js';
import type { PivSession } from '../card/piv/piv-session.js';
import { CardBlockedError, WrongPasscodeError } from '../card/status-words.js';
import { FACTORY_PIN, FACTORY_PUK } from '../virtual-card/blank-card.js';
import { cardAlgorithm } from './card-facts.js';
import { sameKey } from './card-key-check.js';
import { resetToFactory } from './card-clear.js';
import type { IssueCardInput, IssueCardResult } from './card-lifecycle-types.js';
import { factoryKeyAlgorithm, refusedKey } from './card-readout.js';
import { withPivCard } from './card-transaction.js';
import { authenticateThroughService } from './relayed-management-key.js';
import { certificateKey, RenewalCertificateMismatchError, signedRequest } from './renewal-card.js';

// Issuing a blank smartcard to a holder: ONE reader transaction, reset afterwards. On a blank
// YubiKey-like card with GET METADATA and attestation, 17 commands (more with short APDUs):
//
//   SELECT;
//   [resetFirst: VERIFY with a non-digit value until the PIN is blocked (63C0 or 6983); CHANGE
//   REFERENCE DATA 81 with non-digit values until the PUK is blocked; RESET (Yubico FB); SELECT];
//   GET METADATA 9B (3DES, or AES-192 on newer cards); GENERAL AUTHENTICATE 9B twice with the
//   factory key, done here (refused: the card is not blank);
//   VERIFY 123456; GET METADATA 80 and 81 (the tries); [tries not 3: SET PIN RETRIES 3 3, which
//   puts the PIN and PUK back to their factory values, and VERIFY 123456 again];
//   GENERATE 9A (the operation's algorithm); ATTEST 9A (Yubico F9); GENERAL AUTHENTICATE 9A (the
//   card signs the PKCS#10 request) -> the service issues the certificate, checked to be for the
//   new key before anything is written;
//   PUT DATA 5FC105 (the certificate); PUT DATA 5FC102 (the CHUID with the new card UUID);
//   -> the service's new PUK and SET MANAGEMENT KEY command;
//   CHANGE REFERENCE DATA 81 (12345678 -> the PUK); CHANGE REFERENCE DATA 80 (123456 -> the
//   holder's passcode); SET MANAGEMENT KEY (the service's command as it is: INS FF, AES-128);
//   GENERAL AUTHENTICATE 9B twice, relayed: the card proves it now holds the service's key.
//
// The service registers the card only after that proof (the agent confirms). A card pulled at
// any command holds either nothing of the holder's, or a certificate with the key it was issued
// for beside it: the key is made before the certificate exists, and the certificate is written
// only once it is checked to be that key's. Such a card is put back to blank by the next issue
// (resetFirst) or by clearing it. The passcode, the PUK and the key command are wiped whatever
// happens.

/** The card refused the factory management key or PIN: it has been issued, or changed, before. */
export class CardNotBlankError extends Error {
  override name = 'CardNotBlankError';
  constructor() {
    super('This smartcard is not blank, so it cannot be issued. Clear it first.');
  }
}

/** The PIN and PUK tries of an issued card. */
const ISSUED_TRIES = 3;

export async function issueCard(input: IssueCardInput): Promise<IssueCardResult> {
  const factoryPin = Buffer.from(FACTORY_PIN, 'ascii');
  const factoryPuk = Buffer.from(FACTORY_PUK, 'ascii');
  const secrets: Uint8Array[] = [];
  try {
    // Checked before any card command, so a malformed passcode leaves the card as it was.
    const policy = checkPasscode(input.passcode);
    if (!policy.ok) throw new CardError('passcode-policy', policy.message ?? 'The passcode does not meet the rules.');
    return await withPivCard(input.readers, input.reader, async (piv) => {
      if (input.resetFirst) {
        input.onStage?.('resetting-card');
        await resetToFactory(piv);
      }
      input.onStage?.('checking-card');
      await authenticateWithFactoryKey(piv);
      await verifyFactoryPin(piv, factoryPin);
      await settleTries(piv, factoryPin);

      input.onStage?.('making-key');
      const alg = cardAlgorithm(input.algorithm);
      const key = await piv.generateKey(SLOT.AUTHENTICATION, alg);
      const attestation = (await piv.attest(SLOT.AUTHENTICATION)) ?? null;
      const csr = await signedRequest(piv, alg, key, input.holderName);
      const certificate = await input.relay.certificate(csr, attestation);
      // Never a certificate on the card for a key it does not hold.
      if (!sameKey(certificateKey(certificate), key)) throw new RenewalCertificateMismatchError();

      input.onStage?.('writing-certificate');
      await piv.writeCertificate(SLOT.AUTHENTICATION, certificate);
      await piv.putData(OBJECT.CHUID, encodeChuid(uuidToGuid(input.cardUuid)));

      input.onStage?.('setting-passcode');
      const { puk, managementKeyCommand } = await input.relay.personalise();
      secrets.push(puk, managementKeyCommand);
      await piv.changePuk(factoryPuk, puk);
      await piv.changePin(factoryPin, input.passcode);

      input.onStage?.('setting-keys');
      await piv.sendManagementKeyCommand(managementKeyCommand);
      input.onStage?.('checking-card');
      await authenticateThroughService(piv, input.relay, (exchangeId, cardResponse) => input.relay.authenticate(exchangeId, cardResponse));
      return { certificate, apdus: piv.apduCount };
    });
  } finally {
    wipe(input.passcode, factoryPin, factoryPuk, ...secrets);
  }
}

/** Mutual authentication with the factory management key, here: a card that refuses it is not blank. */
async function authenticateWithFactoryKey(piv: PivSession): Promise<void> {
  const algorithm = await factoryKeyAlgorithm(piv);
  if (algorithm === undefined) throw new CardNotBlankError();
  try {
    await piv.authenticateManagementKey(localManagementKeyResponder(algorithm, DEFAULT_MANAGEMENT_KEY));
  } catch (err) {
    if (refusedKey(err)) throw new CardNotBlankError();
    throw err;
  }
}

async function verifyFactoryPin(piv: PivSession, factoryPin: Buffer): Promise<void> {
  try {
    await piv.verifyPin(factoryPin);
  } catch (err) {
    if (err instanceof WrongPasscodeError || err instanceof CardBlockedError) throw new CardNotBlankError();
    throw err;
  }
}

/** Three tries each for the PIN and PUK: a card set otherwise is set back (PIN and PUK to factory), and the PIN verified again. */
async function settleTries(piv: PivSession, factoryPin: Buffer): Promise<void> {
  const pin = await piv.referenceRetries(KEY_REF.PIN);
  const puk = await piv.referenceRetries(KEY_REF.PUK);
  if ((pin === undefined || pin.total === ISSUED_TRIES) && (puk === undefined || puk.total === ISSUED_TRIES)) return;
  await piv.setPinRetries(ISSUED_TRIES, ISSUED_TRIES);
  await verifyFactoryPin(piv, factoryPin);
}
