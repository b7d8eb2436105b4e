import { X509Certificate } from 'node:crypto';
import { SLOT } from '../card/piv/piv-constants.js';
import type { ReaderDriver } from '../pcsc/reader-driver.js';
import { sameKey } from './card-key-check.js';
import { withPivCard } from './card-transaction.js';
import type { RenewalRelay } from './renewal-card.js';
import { authenticateThroughService } from './relayed-management-key.js';

// Finishing a renewal cut short after the certificate was issued, without the passcode: ONE
// reader transaction, reset afterwards, five commands:
//
//   SELECT; GENERAL AUTHENTICATE 9B twice (the card proves itself to the service, which answers
//   with the certificate it issued in the renewal); GET METADATA 9A (is that the card's key?);
//   PUT DATA 5FC105 (the certificate).
//
// Writing a certificate needs only the management key, so the holder is not asked for anything.
// When the service issued nothing, or issued it for a key the card no longer holds, nothing is
// written and the caller goes on to a full renewal (the card makes its key again, which does
// need the passcode: renewal-card.ts).

export type RecoveryWrite = { readonly written: Buffer; readonly apdus: number } | { readonly written: null; readonly apdus: number };

export function writeIssuedCertificate(input: {
  readonly readers: ReaderDriver;
  readonly reader: string;
  readonly relay: Pick<RenewalRelay, 'cardWitness' | 'authenticate'>;
}): Promise<RecoveryWrite> {
  return withPivCard(input.readers, input.reader, async (piv) => {
    const { issuedCertificate: certificate } = await authenticateThroughService(piv, input.relay, (exchangeId, cardResponse) => input.relay.authenticate(exchangeId, cardResponse));
    if (certificate === null) return { written: null, apdus: piv.apduCount };
    let key;
    try {
      key = new X509Certificate(certificate).publicKey;
    } catch {
      return { written: null, apdus: piv.apduCount };
    }
    const metadata = await piv.keyMetadata(SLOT.AUTHENTICATION);
    if (!metadata || !sameKey(metadata.publicKey, key)) return { written: null, apdus: piv.apduCount };
    await piv.writeCertificate(SLOT.AUTHENTICATION, certificate);
    return { written: certificate, apdus: piv.apduCount };
  });
}
