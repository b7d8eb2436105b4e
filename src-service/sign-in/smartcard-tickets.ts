import { randomBytes } from 'node:crypto';
import { hashToken } from '../auth/session-store.js';
import type { Db } from '../store/database.js';
import { ServiceError } from '../service-error.js';

// The smartcard sign-in ticket: minted when a sign-in page is shown to the browser holding the
// interaction's cookie, handed by the page's script to the local Identity Agent, and redeemed
// once by that agent with its session. Random, two minutes, one use, bound to the interaction's
// uid; only its SHA-256 is stored. A page that is reloaded gets a new ticket.

export const SIGN_IN_TICKET_TTL_MS = 2 * 60_000;

/** Why a ticket was not taken, in the words the sign-in page shows. */
const REFUSED = {
  unknown: 'This sign-in has expired. Go back to the app and sign in again.',
  used: 'This sign-in has already been used. Go back to the app and sign in again.',
  expired: 'This sign-in has expired. Go back to the app and sign in again.',
  otherInteraction: 'This sign-in belongs to another page. Go back to the app and sign in again.',
} as const;

export async function mintSignInTicket(db: Db, uid: string, now: number): Promise<string> {
  // Tickets long past their expiry are of no use to anyone: each new one clears them away.
  await db.deleteFrom('oidc_sign_in_tickets').where('expires_at', '<', now - SIGN_IN_TICKET_TTL_MS).execute();
  const ticket = randomBytes(32).toString('base64url');
  await db
    .insertInto('oidc_sign_in_tickets')
    .values({ ticket_hash: hashToken(ticket), uid, created_at: now, expires_at: now + SIGN_IN_TICKET_TTL_MS })
    .execute();
  return ticket;
}

/**
 * Spends the ticket for `uid` on behalf of workstation session `sessionId`, or refuses (403) in
 * the user's words. The one-use guarantee: only the request whose UPDATE changes the row goes on;
 * a ticket for another interaction is spent too, so it cannot be tried again elsewhere.
 */
export async function redeemSignInTicket(db: Db, r: { uid: string; ticket: string; sessionId: number; now: number }): Promise<void> {
  const hash = hashToken(r.ticket);
  const spent = await db
    .updateTable('oidc_sign_in_tickets')
    .set({ used_at: r.now, session_id: r.sessionId })
    .where('ticket_hash', '=', hash)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  const row = await db.selectFrom('oidc_sign_in_tickets').select(['uid', 'expires_at as expiresAt', 'used_at as usedAt', 'session_id as sessionId']).where('ticket_hash', '=', hash).executeTakeFirst();
  if (!row) throw refused('unknown');
  if (Number(spent.numUpdatedRows) !== 1) throw refused('used');
  if (row.uid !== r.uid) throw refused('otherInteraction');
  if (r.now >= row.expiresAt) throw refused('expired');
}

const refused = (why: keyof typeof REFUSED): ServiceError => new ServiceError(403, 'forbidden', REFUSED[why]);
