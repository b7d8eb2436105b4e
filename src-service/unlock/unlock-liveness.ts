import type { ServiceContext } from '../service-context.js';
import { sessionStillLive } from '../auth/session-store.js';
import { refuse } from './unlock-refusal.js';
import { setUnlockStatus, type UnlockRow, type UnlockStatus } from './unlock-store.js';

// What must still hold when an unlock reaches the card: the unlock is at the right step; for a
// sponsor's, the sponsor's session is live (not signed out, not expired, their own card still
// active, their profile open, their position still held and open), which is how a sponsor whose
// card was revoked or whose position ended mid-way is stopped; and the card and its holder may
// still be unlocked.

const WRONG_STEP: Record<UnlockStatus, [string, string]> = {
  'code-sent': ['code-not-entered', 'Enter the security code first.'],
  ready: ['not-released', "The smartcard has not been given its PUK for this unlock yet."],
  released: ['already-released', "That unlock has already given the smartcard its PUK. Start again."],
  committed: ['already-committed', 'That unlock has already been completed. Start again if the smartcard is still locked.'],
  void: ['unlock-void', 'That unlock was cancelled: a newer one was started, or the sponsor signed out. Start again.'],
};

/** Refuses (409) an unlock that is not at `status`, naming the step it is at. */
export function requireStep(row: UnlockRow, status: UnlockStatus): void {
  if (row.status === status) return;
  const [reason, message] = WRONG_STEP[row.status];
  throw refuse(409, 'conflict', reason, message);
}

/**
 * The sponsor's session is live: not signed out or expired, their card active, their profile
 * open, and the position they signed in with still theirs and open.
 */
export function sponsorSessionLive(ctx: ServiceContext, sessionId: number, now: number): Promise<boolean> {
  return sessionStillLive(ctx.db, sessionId, now);
}

/** The checks every card step repeats; a dead sponsor session also voids the unlock. */
export async function requireStillAllowed(ctx: ServiceContext, row: UnlockRow, now: number): Promise<void> {
  if (row.kind === 'sponsor' && (row.sponsorSessionId === null || !(await sponsorSessionLive(ctx, row.sponsorSessionId, now)))) {
    await setUnlockStatus(ctx.db, row.id, 'void', now);
    throw refuse(401, 'unauthenticated', 'sponsor-session-ended', 'Your session has ended, so this unlock cannot go on. Sign in with your smartcard again and start again.');
  }
  if (row.cardStatus !== 'active' && row.cardStatus !== 'locked') {
    throw refuse(409, 'conflict', `card-${row.cardStatus}`, `This smartcard has been ${row.cardStatus}, so it cannot be unlocked.`);
  }
  if (row.holderStatus !== 'open') {
    throw refuse(409, 'conflict', 'profile-closed', "The card holder's Care Identity profile is closed, so this smartcard cannot be unlocked.");
  }
}
