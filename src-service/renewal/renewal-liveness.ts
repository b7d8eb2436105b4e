import type { ServiceContext } from '../service-context.js';
import { refuse } from '../unlock/unlock-refusal.js';
import { sponsorSessionLive } from '../unlock/unlock-liveness.js';
import type { RenewalRow, RenewalStatus } from './renewal-store.js';

// What must still hold when a renewal reaches the card: the renewal is at a step that allows
// this one and has not expired; for a sponsor's, the sponsor's session is live (as for a sponsor
// unlock); the card and its holder may still be renewed.
//
// Unlike an unlock, a renewal whose sponsor has gone is refused but not voided: the card may
// already have made its new key, and only an unfinished renewal can be recovered or rolled
// forward, so voiding it could leave the card unusable.

const AT_STEP: Record<RenewalStatus, [string, string]> = {
  opened: ['not-authenticated', 'The smartcard has not proved itself for this renewal yet.'],
  authenticated: ['no-certificate', 'No certificate has been issued in this renewal yet.'],
  issued: ['already-issued', 'A certificate has already been issued in this renewal.'],
  confirmed: ['already-confirmed', 'That renewal has already been completed.'],
  void: ['renewal-void', 'That renewal was cancelled: a newer one was started for this smartcard. Start again.'],
};

/** Refuses (409) a renewal that is not at one of `allowed`, naming the step it is at. */
export function requireStep(row: RenewalRow, allowed: readonly RenewalStatus[]): void {
  if (allowed.includes(row.status)) return;
  const [reason, message] = AT_STEP[row.status];
  throw refuse(409, 'conflict', reason, message);
}

export function requireNotExpired(row: RenewalRow, now: number): void {
  if (now >= row.expiresAt) throw refuse(409, 'conflict', 'renewal-expired', 'That renewal has expired. Start again.');
}

/** The checks every card step repeats. */
export async function requireStillAllowed(ctx: ServiceContext, row: RenewalRow, now: number): Promise<void> {
  if (row.kind === 'sponsor' && (row.sponsorSessionId === null || !(await sponsorSessionLive(ctx, row.sponsorSessionId, now)))) {
    throw refuse(401, 'unauthenticated', 'sponsor-session-ended', 'Your session has ended, so this renewal cannot go on. Sign in with your smartcard again and start again.');
  }
  requireRenewableCard(row);
}

/** The card still in use and its holder's profile open (also at confirmation). */
export function requireRenewableCard(row: { cardStatus: string; holderStatus: string }): void {
  if (row.cardStatus === 'locked') {
    throw refuse(409, 'conflict', 'card-locked', 'This smartcard is locked. Unlock it first, then renew its certificate.');
  }
  if (row.cardStatus !== 'active') {
    throw refuse(409, 'conflict', `card-${row.cardStatus}`, `This smartcard has been ${row.cardStatus}, so its certificate cannot be renewed.`);
  }
  if (row.holderStatus !== 'open') {
    throw refuse(409, 'conflict', 'profile-closed', "The card holder's Care Identity profile is closed, so this smartcard cannot be renewed.");
  }
}
