import { X509Certificate } from 'node:crypto';
import type { CardReadout } from '../../src-shared/api/cim-cards.js';
import { guidToUuid } from '../../src-shared/card/piv-objects.js';
import { CardError } from '../card/card-error.js';
import { ALG, DEFAULT_MANAGEMENT_KEY, SLOT, type SymmetricAlg } from '../card/piv/piv-constants.js';
import { localManagementKeyResponder } from '../card/piv/piv-management-key.js';
import type { PivSession } from '../card/piv/piv-session.js';
import type { ReaderDriver } from '../pcsc/reader-driver.js';
import { withPivCard } from './card-transaction.js';

// What a card in the second reader is, read without a passcode, for the service to decide what
// may be done with it (src-shared/api/cim-cards.ts CardReadout). ONE reader transaction, reset
// afterwards (trying the factory management key authenticates the card when it works):
//
//   SELECT; GET SERIAL; GET VERSION; GET DATA 5FC102 (CHUID); GET DATA 5FC105 (9A certificate);
//   GET METADATA 9A (is there a key); GET METADATA 9B (the management key's algorithm);
//   GENERAL AUTHENTICATE 9B twice with the factory key, done here (skipped when the metadata
//   says the key is AES-128 or AES-256, which no factory key is); GET DATA 5FFF01 (the
//   attestation key's F9 certificate).
//
// A damaged object reads as absent: the readout is for deciding, and a card whose CHUID or
// certificate cannot be read is one to clear or repair, not one to refuse to look at.

export function readCardReadout(readers: ReaderDriver, reader: string): Promise<CardReadout> {
  return withPivCard(readers, reader, (piv) => readoutOf(piv));
}

/** The readout of the card `piv` talks to, PIV selected; inside the caller's transaction. */
export async function readoutOf(piv: PivSession): Promise<CardReadout> {
  const serial = (await piv.serial()) ?? null;
  const version = (await piv.version()) ?? null;
  const chuidUuid = await unlessDamaged(async () => {
    const chuid = await piv.readChuid();
    return chuid ? guidToUuid(chuid.guid) : null;
  });
  const certificateSerial = await unlessDamaged(async () => {
    const der = await piv.readCertificate(SLOT.AUTHENTICATION);
    return der ? certificateSerialOf(der) : null;
  });
  const hasAuthenticationKey = await slotHoldsKey(piv);
  const factoryManagementKey = await acceptsFactoryManagementKey(piv);
  const attestationCertificate = await unlessDamaged(async () => {
    const der = await piv.readAttestationCertificate();
    return der ? der.toString('base64') : null;
  });
  return { serial, chuidUuid, certificateSerial, factoryManagementKey, hasAuthenticationKey, attestationCertificate, version };
}

/** Lower-case hex, as the service keeps certificate serials; null for bytes that are not a certificate. */
function certificateSerialOf(der: Buffer): string | null {
  try {
    const serial = new X509Certificate(der).serialNumber.toLowerCase();
    return /^[0-9a-f]{1,40}$/.test(serial) ? serial : null;
  } catch {
    return null;
  }
}

async function slotHoldsKey(piv: PivSession): Promise<boolean | null> {
  try {
    const metadata = await piv.keyMetadata(SLOT.AUTHENTICATION);
    return metadata === undefined ? null : metadata !== null;
  } catch (err) {
    // A key of a type this workstation does not use is still a key.
    if (err instanceof CardError && err.code === 'wrong-data') return true;
    throw err;
  }
}

/**
 * Whether the card's management key is the factory one: mutual authentication with it, done
 * here. A card without GET METADATA has a 3DES key; AES-192 is the factory key's algorithm on
 * newer YubiKeys; a card whose key is AES-128 or AES-256 has had it changed.
 */
async function acceptsFactoryManagementKey(piv: PivSession): Promise<boolean> {
  const algorithm = await factoryKeyAlgorithm(piv);
  if (algorithm === undefined) return false;
  try {
    await piv.authenticateManagementKey(localManagementKeyResponder(algorithm, DEFAULT_MANAGEMENT_KEY));
    return true;
  } catch (err) {
    if (refusedKey(err)) return false;
    throw err;
  }
}

/** The algorithm to try the factory key with, or undefined when the card's key cannot be it. */
export async function factoryKeyAlgorithm(piv: PivSession): Promise<SymmetricAlg | undefined> {
  const metadata = await piv.managementKeyMetadata();
  const algorithm = metadata?.algorithm ?? ALG.TDES;
  return algorithm === ALG.TDES || algorithm === ALG.AES192 ? algorithm : undefined;
}

/** The card refused a management key: another algorithm (6A86), or another key (6982). */
export function refusedKey(err: unknown): boolean {
  return err instanceof CardError && (err.code === 'security-status-not-satisfied' || err.code === 'wrong-data' || err.code === 'incorrect-parameters');
}

async function unlessDamaged<T>(read: () => Promise<T | null>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof CardError && err.code === 'malformed-response') return null;
    throw err;
  }
}
