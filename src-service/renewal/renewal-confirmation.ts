import { X509Certificate } from 'node:crypto';
import type { z } from 'zod';
import type { RenewalConfirmRequest, RenewalConfirmResponse } from '../../src-shared/api/service-renewal.js';
import { appendAudit } from '../audit/audit-log.js';
import { daysToExpiry } from '../auth/login-summary.js';
import { recordCertificate } from '../ca/authentication-certificate.js';
import type { ServiceContext } from '../service-context.js';
import { auditedStep, refuse, type RefusalFacts } from '../unlock/unlock-refusal.js';
import { renewalStepFacts } from './renewal-card-proof.js';
import { requireStep } from './renewal-liveness.js';
import { findRenewal, voidUnfinishedRenewals, type RenewalKind } from './renewal-store.js';

// The new certificate goes live: it enters certificates, every older live certificate of the
// card is revoked ('superseded'), the renewal is confirmed and the card's other unfinished
// renewals are voided, all in the caller's transaction (`ctx` is on it). Two ways in: the agent
// says the certificate is on the card (POST /v1/renewals/{id}/confirm), or the card signs in
// with it (login-verify.ts), which proves it better still: the renewal rolls forward.
//
// Confirmation is not refused for an expired renewal or a sponsor who has gone: the card holds
// the certificate by then, so refusing would only leave it unusable until its next login.

export interface RenewalToConfirm {
  readonly renewalId: number;
  readonly kind: RenewalKind;
  readonly cardId: number;
  readonly cardUuid: string;
  readonly holderUuid: string;
  readonly sponsorUuid: string | null;
  readonly oldSerial: string | null;
  readonly issuedSerial: string;
  readonly issuedDer: Buffer;
}

export async function confirmRenewal(
  ctx: ServiceContext,
  r: RenewalToConfirm,
  how: { workstationId: string; rolledForwardAtLogin: boolean },
  at: Date,
): Promise<{ notAfter: Date }> {
  const x509 = new X509Certificate(r.issuedDer);
  const notAfter = new Date(x509.validTo);
  await recordCertificate(ctx.db, r.cardId, { der: r.issuedDer, serial: r.issuedSerial, notBefore: new Date(x509.validFrom), notAfter });
  const superseded = await ctx.db
    .updateTable('certificates')
    .set({ revoked_at: at.toISOString(), revocation_reason: 'superseded' })
    .where('card_id', '=', r.cardId)
    .where('revoked_at', 'is', null)
    .where('serial', '<>', r.issuedSerial)
    .executeTakeFirst();
  await ctx.db.updateTable('card_renewals').set({ status: 'confirmed', confirmed_at: at.getTime() }).where('id', '=', r.renewalId).execute();
  await voidUnfinishedRenewals(ctx.db, r.cardId, { exceptId: r.renewalId, keepIssued: false });
  await appendAudit(
    ctx.db,
    {
      action: 'card.renewed',
      actor: how.rolledForwardAtLogin ? r.holderUuid : (r.sponsorUuid ?? r.holderUuid),
      subject: r.cardUuid,
      workstationId: how.workstationId,
      details: {
        kind: r.kind,
        holderUuid: r.holderUuid,
        sponsorUuid: r.sponsorUuid,
        cardUuid: r.cardUuid,
        workstationId: how.workstationId,
        oldSerial: r.oldSerial,
        newSerial: r.issuedSerial,
        notAfter: notAfter.toISOString(),
        certificatesSuperseded: Number(superseded.numUpdatedRows),
        confirmedBy: how.rolledForwardAtLogin ? 'rolled forward at login' : 'agent',
      },
    },
    at,
  );
  return { notAfter };
}

type Answer = z.infer<typeof RenewalConfirmResponse>;

const answer = (notAfter: Date, now: Date): Answer => ({ renewed: true, certificateNotAfter: notAfter.toISOString(), daysToExpiry: daysToExpiry(notAfter, now) });

export async function confirmRenewalOnCard(ctx: ServiceContext, renewalId: string, body: z.infer<typeof RenewalConfirmRequest>): Promise<Answer> {
  const facts: RefusalFacts = { workstationId: body.workstationId };
  return auditedStep(ctx, 'card.renewal-refused', facts, async (tx) => {
    const now = ctx.now();
    const row = await findRenewal(tx.db, renewalId, body.workstationId);
    // Said again (the agent did not hear the first answer): the same answer, nothing redone.
    if (row.status === 'confirmed' && row.issuedNotAfter) return answer(new Date(row.issuedNotAfter), now);
    Object.assign(facts, renewalStepFacts(row, body.workstationId, 'confirm'));
    // 'authenticated' with a certificate: a recovery whose carried-over certificate the agent wrote.
    requireStep(row, row.issuedDer ? ['authenticated', 'issued'] : ['issued']);
    if (!row.issuedDer || !row.issuedSerial) throw refuse(409, 'conflict', 'no-certificate', 'No certificate has been issued in this renewal yet.');
    if (row.cardStatus === 'revoked' || row.cardStatus === 'cancelled') {
      throw refuse(409, 'conflict', `card-${row.cardStatus}`, `This smartcard has been ${row.cardStatus}, so its new certificate cannot be made live.`);
    }
    const { notAfter } = await confirmRenewal(
      tx,
      {
        renewalId: row.id,
        kind: row.kind,
        cardId: row.cardId,
        cardUuid: row.cardUuid,
        holderUuid: row.holderUuid,
        sponsorUuid: row.sponsorUuid,
        oldSerial: row.oldSerial,
        issuedSerial: row.issuedSerial,
        issuedDer: row.issuedDer,
      },
      { workstationId: body.workstationId, rolledForwardAtLogin: false },
      now,
    );
    return answer(notAfter, now);
  });
}
