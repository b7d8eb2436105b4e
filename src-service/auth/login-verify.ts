import type { z } from 'zod';
import { loginSignedPayload, type VerifyRequest, type VerifyResponse } from '../../src-shared/api/service-login.js';
import { appendAudit } from '../audit/audit-log.js';
import type { ServiceContext } from '../service-context.js';
import { inTransaction } from '../store/transaction.js';
import { consumeChallenge } from './login-challenge.js';
import { checkPresentedCertificate, signatureVerifies, type PresentedCertificate } from './login-certificate.js';
import { auditRefusal, cardStatusFailure, LoginFailure, settle, type LoginFacts, type Outcome } from './login-failure.js';
import { confirmRenewal } from '../renewal/renewal-confirmation.js';
import { activePositions, certificateRecord, renewedCertificateRecord, type CertificateRecord, type RenewedCertificateRecord } from './login-store.js';
import { cardLoginSummary } from './login-summary.js';
import { issueTicket } from './login-tickets.js';

// POST /v1/login/verify: the card's answer to a challenge. The order of the checks matters:
// the challenge is spent first; then what needs only the request (certificate chain,
// algorithm, signature, dates); only a card that has proved possession of its key is looked
// up and told about its card or profile status (see login-failure.ts).
//
// Spending the challenge, the checks, the ticket and the audit entry (of a success or of a
// refusal) are one transaction: one commit per answer, and a challenge is never left unspent
// by a refusal. The cryptography runs before the transaction, so no lock is held during it;
// its verdict is applied only after the challenge is spent.
//
// A certificate the directory does not list may be one a renewal issued and the card holds but
// nobody confirmed: only then (never on a normal login) are the renewals looked at.

/** What the request alone proves: a certificate of ours and a good signature, or why not. */
type Proof =
  | { readonly certificate: PresentedCertificate; readonly failure?: undefined }
  | { readonly certificate?: PresentedCertificate; readonly failure: LoginFailure };

function checkProof(ctx: ServiceContext, body: z.infer<typeof VerifyRequest>): Proof {
  let certificate: PresentedCertificate;
  try {
    certificate = checkPresentedCertificate(ctx.ca, body.certificate);
  } catch (err) {
    if (err instanceof LoginFailure) return { failure: err };
    throw err;
  }
  if (certificate.algorithm !== body.algorithm) return { certificate, failure: new LoginFailure('algorithm-mismatch') };
  const payload = Buffer.from(loginSignedPayload({ nonce: body.nonce, serviceOrigin: ctx.serviceOrigin, workstationId: body.workstationId }), 'utf8');
  if (!signatureVerifies(certificate, payload, Buffer.from(body.signature, 'base64'))) return { certificate, failure: new LoginFailure('signature-invalid') };
  return { certificate };
}

/**
 * The card signed in with the certificate a renewal issued but never heard was written (the
 * card was pulled, the agent stopped): the signature just checked proves the card holds the new
 * key and certificate, so the renewal is confirmed here, in the login's transaction, as the
 * agent would have confirmed it. Only reached once every other check has passed.
 */
async function rollForward(ctx: ServiceContext, record: RenewedCertificateRecord, workstationId: string, now: Date): Promise<void> {
  await confirmRenewal(
    ctx,
    {
      renewalId: record.renewalId,
      kind: record.renewalKind,
      cardId: record.cardId,
      cardUuid: record.cardUuid,
      holderUuid: record.userUuid,
      sponsorUuid: record.sponsorUuid,
      oldSerial: record.oldSerial,
      issuedSerial: record.serial,
      issuedDer: record.der as Buffer,
    },
    { workstationId, rolledForwardAtLogin: true },
    now,
  );
}

const issuedByRenewal = (record: CertificateRecord): record is RenewedCertificateRecord => 'renewalId' in record;

export async function verifyLogin(ctx: ServiceContext, body: z.infer<typeof VerifyRequest>): Promise<VerifyResponse> {
  const now = ctx.now();
  const proof = checkProof(ctx, body);
  const outcome = await inTransaction(ctx.db, async (trx): Promise<Outcome<VerifyResponse>> => {
    const within: ServiceContext = { ...ctx, db: trx };
    const facts: LoginFacts = proof.certificate ? { certificateSerial: proof.certificate.serial } : {};
    try {
      await consumeChallenge(within, body.nonce, body.workstationId, now);
      if (proof.failure !== undefined) throw proof.failure;
      const { certificate } = proof;

      const record = (await certificateRecord(trx, certificate.serial)) ?? (await renewedCertificateRecord(trx, certificate.serial));
      // The directory must know this exact certificate, for the user the certificate names.
      if (!record || !record.der || !certificate.der.equals(record.der) || record.userUuid !== certificate.userUuid) {
        throw new LoginFailure('certificate-unknown');
      }
      facts.actor = record.userUuid;
      facts.cardUuid = record.cardUuid;
      if (now < certificate.notBefore) throw new LoginFailure('certificate-not-yet-valid');
      if (now > certificate.notAfter) throw new LoginFailure('certificate-expired');
      // A cancelled card says so before its (also revoked) certificate does: the holder is told
      // what happened to the card, not to one certificate on it.
      if (record.cardStatus === 'cancelled') throw new LoginFailure('card-cancelled');
      if (record.revokedAt !== null) throw new LoginFailure('certificate-revoked');
      if (record.cardStatus !== 'active') throw new LoginFailure(cardStatusFailure(record.cardStatus));
      if (record.userStatus !== 'open') throw new LoginFailure('profile-closed');

      if (issuedByRenewal(record)) await rollForward(within, record, body.workstationId, now);

      const card = cardLoginSummary(record.cardUuid, certificate.notAfter, now);
      const positions = await activePositions(trx, record.userId, now.toISOString().slice(0, 10));
      const loginTicket = await issueTicket(trx, { userId: record.userId, cardId: record.cardId, workstationId: body.workstationId, now: now.getTime() });
      await appendAudit(
        trx,
        {
          action: 'login.succeeded',
          actor: record.userUuid,
          subject: record.cardUuid,
          workstationId: body.workstationId,
          details: { certificateSerial: certificate.serial, daysToExpiry: card.daysToExpiry, positions: positions.length },
        },
        now,
      );
      return { ok: { loginTicket, user: { uuid: record.userUuid, name: record.userName }, card, positions } };
    } catch (err) {
      // Anything else rolls the transaction back and becomes a 500.
      if (!(err instanceof LoginFailure)) throw err;
      await auditRefusal(within, err, 'login.failed', body.workstationId, facts, now);
      return { refused: err };
    }
  });
  return settle(outcome);
}
