import { randomBytes } from 'node:crypto';
import { digestReferenceData, padReferenceData } from '../../src-shared/card/reference-data.js';
import type { ReferenceDataState, VirtualCardState } from '../../src-shared/card/virtual-card-state.js';
import { newAttestationKey } from '../../src-shared/card/piv-attestation.js';
import { DEFAULT_MANAGEMENT_KEY } from '../card/piv/piv-constants.js';

// A factory-fresh card with the YubiKey conventions that third-party tools assume:
// PIN 123456, PUK 12345678, 3 tries each, the well-known 3DES management key, no keys or objects,
// and (as a YubiKey leaves the factory) an attestation key with its certificate in F9.

export const FACTORY_PIN = '123456';
export const FACTORY_PUK = '12345678';
const FACTORY_TRIES = 3;
const REPORTED_VERSION: [number, number, number] = [5, 4, 3];

export function referenceData(value: string | Uint8Array, maxTries = FACTORY_TRIES): ReferenceDataState {
  const salt = randomBytes(16);
  const padded = padReferenceData(typeof value === 'string' ? Buffer.from(value, 'utf8') : value);
  const digest = digestReferenceData(salt, padded);
  padded.fill(0);
  return { salt: salt.toString('hex'), digest: Buffer.from(digest).toString('hex'), triesLeft: maxTries, maxTries };
}

export function blankCardState(serial = randomBytes(4).readUInt32BE(0) & 0x7fffffff): VirtualCardState {
  return {
    format: 'piv-virtual-card/1',
    serial,
    version: REPORTED_VERSION,
    pin: referenceData(FACTORY_PIN),
    puk: referenceData(FACTORY_PUK),
    managementKey: { algorithm: '3des', key: DEFAULT_MANAGEMENT_KEY.toString('hex') },
    keys: {},
    objects: {},
    attestation: newAttestationKey(`Virtual PIV card attestation ${serial}`, new Date()),
  };
}
