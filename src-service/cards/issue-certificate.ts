import { X509Certificate, type KeyObject } from 'node:crypto';
import type { z } from 'zod';
import type { IssueCertificateBody, IssueCertificateResponse } from '../../src-shared/api/cim-cards.js';
import { appendAudit } from '../audit/audit-log.js';
import type { SessionContext } from '../auth/session-store.js';
import { issueForHolder } from '../ca/authentication-certificate.js';
import { requireAttestation } from '../renewal/attestation.js';
import { ALGORITHM_NAMES, readRequest } from '../renewal/renewal-certificate.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { auditedStep, refuse } from '../unlock/unlock-refusal.js';
import { orphanCertificate, operationForStep, storeOperationCertificate, type CardOperationRow } from './card-operation-store.js';
import { operationFacts } from './card-operation-relay.js';

// POST /v1/card-operations/{id}/certificate: the blank card has made its authentication key (9A)
// and signed a PKCS#10 request with it. The request proves possession of the key only: the
// subject comes from the directory (the holder), never from the request. The key must be of the
// operation's algorithm and new (no certificate of the holder's is for it); a card that had an
// attestation key when the issue opened must attest the key (renewal/attestation.ts), so the
// key was made on that card and cannot be a copy held elsewhere.
//
// The certificate is kept in the operation, not live: login knows nothing of it until the issue
// is confirmed. Asked again with the same key (the answer was lost), the same certificate comes
// back; with another key (the card generated again after a cut-short attempt), the earlier
// certificate is revoked as an orphan and a new one made.

type Answer = z.infer<typeof IssueCertificateResponse>;

const ISSUE_AGAIN = 'Issue the smartcard again.';
const spkiOf = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });

function requireAlgorithm(row: CardOperationRow, algorithm: string | undefined): void {
  if (algorithm === row.algorithm) return;
  throw refuse(
    409,
    'conflict',
    'wrong-algorithm',
    `The certificate request is for ${algorithm ? ALGORITHM_NAMES[algorithm] : 'an unsupported'} key, but this smartcard is being issued with ${row.algorithm ? ALGORITHM_NAMES[row.algorithm] : 'another'} key. ${ISSUE_AGAIN}`,
    { requestAlgorithm: algorithm ?? null, operationAlgorithm: row.algorithm },
  );
}

/** Refuses a key any certificate of the holder's already certifies: a new card needs a new key. */
async function requireNewKey(db: Db, holderId: number, spki: Buffer): Promise<void> {
  const ders = await db
    .selectFrom('certificates as c')
    .innerJoin('cards as k', 'k.id', 'c.card_id')
    .select('c.der')
    .where('k.user_id', '=', holderId)
    .execute();
  for (const { der } of ders) {
    if (der && spkiOf(new X509Certificate(der).publicKey).equals(spki)) {
      throw refuse(409, 'conflict', 'same-key', `The certificate request is for a key one of this user's certificates already has; a new smartcard needs a new key. ${ISSUE_AGAIN}`);
    }
  }
}

export async function issueCardCertificate(
  ctx: ServiceContext,
  session: SessionContext,
  operationId: string,
  body: z.infer<typeof IssueCertificateBody>,
): Promise<Answer> {
  const facts = operationFacts(session, body.workstationId);
  return auditedStep(ctx, 'card.operation-refused', facts, async (tx) => {
    const now = tx.now();
    const row = await operationForStep(tx.db, session, { operationId, workstationId: body.workstationId, now }, { kind: 'issue', from: ['opened', 'issued'] });
    Object.assign(facts, { subject: row.cardUuid, details: { kind: 'issue', step: 'certificate', holderUuid: row.holderUuid } });
    const request = readRequest(body.csr, ISSUE_AGAIN);
    const spki = spkiOf(request.publicKey);
    requireAlgorithm(row, request.algorithm);
    if (row.attestationKey) {
      requireAttestation({ serial: row.cardSerial, attestationKey: row.attestationKey }, spki, body.attestation, `so no certificate was issued. ${ISSUE_AGAIN}`);
    }

    if (row.issuedDer && row.issuedNotAfter && spkiOf(new X509Certificate(row.issuedDer).publicKey).equals(spki)) {
      return { certificate: row.issuedDer.toString('base64'), notAfter: new Date(row.issuedNotAfter).toISOString() };
    }
    await requireNewKey(tx.db, row.holderId, spki);
    if (row.issuedSerial && row.issuedNotAfter) await orphanCertificate(tx.db, row.id, { serial: row.issuedSerial, notAfter: row.issuedNotAfter }, now);

    const issued = await issueForHolder(tx.db, ctx.ca, { id: row.holderId, uuid: row.holderUuid }, request.publicKey, now);
    await storeOperationCertificate(tx.db, row.id, issued);
    await appendAudit(
      tx.db,
      {
        action: 'card.certificate-issued',
        actor: session.userUuid,
        subject: row.cardUuid,
        workstationId: body.workstationId,
        details: {
          kind: 'issue',
          holderUuid: row.holderUuid,
          serial: issued.serial,
          notAfter: issued.notAfter.toISOString(),
          replacesSerial: row.issuedSerial,
          attested: row.attestationKey !== null,
        },
      },
      now,
    );
    return { certificate: issued.der.toString('base64'), notAfter: issued.notAfter.toISOString() };
  });
}
