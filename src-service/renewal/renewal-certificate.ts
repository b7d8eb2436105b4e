import { X509Certificate, type KeyObject } from 'node:crypto';
import type { z } from 'zod';
import type { RenewalCertificateRequest, RenewalCertificateResponse } from '../../src-shared/api/service-renewal.js';
import { CertificationRequestError, verifyCertificationRequest, type VerifiedCertificationRequest } from '../../src-shared/crypto/pkcs10.js';
import { appendAudit } from '../audit/audit-log.js';
import { issueForHolder } from '../ca/authentication-certificate.js';
import type { ServiceContext } from '../service-context.js';
import { auditedStep, refuse, type RefusalFacts } from '../unlock/unlock-refusal.js';
import { requireHoldersNewKey } from './attestation.js';
import { renewalStepFacts } from './renewal-card-proof.js';
import { requireNotExpired, requireStep, requireStillAllowed } from './renewal-liveness.js';
import { findRenewal, setRenewalStatus, storeIssuedCertificate, type RenewalRow } from './renewal-store.js';

// POST /v1/renewals/{id}/certificate: the card has made a new key and signed a PKCS#10 request
// with it. The request proves possession of the key and nothing else: the certificate's subject
// comes from the directory, never from the request. The key must be of the card's type and new
// (a renewal that kept the old key would leave a copy of it valid for three more years), and the
// holder's: attested by the card, or, on a card that cannot attest, vouched for by its old key
// with the holder's passcode (attestation.ts). Nothing is issued otherwise, so nothing can be
// confirmed and the old certificate stays live.
//
// The certificate is kept in the renewal, not yet live: it becomes the card's certificate when
// the agent confirms it is on the card, or when a login with it rolls the renewal forward. Asked
// again with the same key (the answer was lost), the same certificate comes back; with another
// key (the card generated again after an attempt cut short) a new one replaces it.

type Answer = z.infer<typeof RenewalCertificateResponse>;

export const ALGORITHM_NAMES: Record<string, string> = { rsa2048: 'an RSA-2048', p256: 'a P-256' };

const spkiOf = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });

/** The PKCS#10 request, its signature checked; a refusal in words ending with `startAgain` otherwise. */
export function readRequest(csrBase64: string, startAgain = 'Start the renewal again.'): VerifiedCertificationRequest {
  try {
    return verifyCertificationRequest(Buffer.from(csrBase64, 'base64'));
  } catch (err) {
    if (!(err instanceof CertificationRequestError)) throw err;
    // The reason names a structure or a check, never a key or any other secret.
    throw refuse(400, 'bad-request', 'csr-invalid', `The certificate request is not valid: ${err.message}. ${startAgain}`, { problem: err.message });
  }
}

async function oldCertificateKey(ctx: ServiceContext, serial: string | null): Promise<Buffer | undefined> {
  const der = serial === null ? undefined : (await ctx.db.selectFrom('certificates').select('der').where('serial', '=', serial).executeTakeFirst())?.der;
  return der ? spkiOf(new X509Certificate(der).publicKey) : undefined;
}

async function requireNewKeyOfCardType(ctx: ServiceContext, row: RenewalRow, request: VerifiedCertificationRequest, spki: Buffer): Promise<void> {
  if (request.algorithm !== row.cardAlgorithm) {
    throw refuse(
      409,
      'conflict',
      'wrong-algorithm',
      `The certificate request is for ${request.algorithm ? ALGORITHM_NAMES[request.algorithm] : 'an unsupported'} key, but this smartcard uses ${ALGORITHM_NAMES[row.cardAlgorithm] ?? 'another'} key. Start the renewal again.`,
      { requestAlgorithm: request.algorithm ?? null, cardAlgorithm: row.cardAlgorithm },
    );
  }
  if ((await oldCertificateKey(ctx, row.oldSerial))?.equals(spki)) {
    throw refuse(409, 'conflict', 'same-key', 'The certificate request is for the key the smartcard already has; a renewal needs a new key. Start the renewal again.');
  }
}

export async function issueRenewalCertificate(ctx: ServiceContext, renewalId: string, body: z.infer<typeof RenewalCertificateRequest>): Promise<Answer> {
  const facts: RefusalFacts = { workstationId: body.workstationId };
  return auditedStep(ctx, 'card.renewal-refused', facts, async (tx) => {
    const now = ctx.now();
    const row = await findRenewal(tx.db, renewalId, body.workstationId);
    Object.assign(facts, renewalStepFacts(row, body.workstationId, 'certificate'));
    requireStep(row, ['authenticated', 'issued']);
    requireNotExpired(row, now.getTime());
    await requireStillAllowed(tx, row, now.getTime());
    const request = readRequest(body.csr);
    const spki = spkiOf(request.publicKey);
    await requireNewKeyOfCardType(tx, row, request, spki);
    const { attested, proof } = await requireHoldersNewKey(tx, row, { renewalId, spki, attestation: body.attestation, oldKeySignature: body.oldKeySignature });

    if (row.issuedDer && row.issuedNotAfter && spkiOf(new X509Certificate(row.issuedDer).publicKey).equals(spki)) {
      if (row.status !== 'issued') await setRenewalStatus(tx.db, row.id, 'issued');
      return { certificate: row.issuedDer.toString('base64'), notAfter: new Date(row.issuedNotAfter).toISOString() };
    }

    const issued = await issueForHolder(tx.db, ctx.ca, { id: row.holderId, uuid: row.holderUuid }, request.publicKey, now);
    await storeIssuedCertificate(tx.db, row.id, issued);
    await appendAudit(
      tx.db,
      {
        action: 'card.certificate-issued',
        actor: facts.actor ?? null,
        subject: row.cardUuid,
        workstationId: body.workstationId,
        details: {
          kind: row.kind,
          holderUuid: row.holderUuid,
          serial: issued.serial,
          notAfter: issued.notAfter.toISOString(),
          oldSerial: row.oldSerial,
          replacesSerial: row.issuedSerial,
          attested,
          newKeyProof: proof,
        },
      },
      now,
    );
    return { certificate: issued.der.toString('base64'), notAfter: issued.notAfter.toISOString() };
  });
}
