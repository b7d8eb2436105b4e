import { randomBytes } from 'node:crypto';
import { hashToken } from './session-store.js';
import type { Db } from '../store/database.js';
import { LoginFailure } from './login-failure.js';
import type { TicketRow } from './login-store.js';

// The login ticket bridges "the card proved itself" and "the user chose a position": random,
// five minutes, one use, bound to the user, card and workstation. Only its SHA-256 is stored.

export const TICKET_TTL_MS = 5 * 60_000;

export async function issueTicket(db: Db, t: { userId: number; cardId: number; workstationId: string; now: number }): Promise<string> {
  const ticket = randomBytes(32).toString('base64url');
  await db
    .insertInto('login_tickets')
    .values({ ticket_hash: hashToken(ticket), user_id: t.userId, card_id: t.cardId, workstation_id: t.workstationId, expires_at: t.now + TICKET_TTL_MS })
    .execute();
  return ticket;
}

/** The ticket's record (so a refusal can be audited against its holder), or 401 when unknown. */
export async function findTicket(db: Db, ticket: string): Promise<TicketRow> {
  const row = await db
    .selectFrom('login_tickets')
    .select(['user_id as userId', 'card_id as cardId', 'workstation_id as workstationId', 'expires_at as expiresAt', 'used'])
    .where('ticket_hash', '=', hashToken(ticket))
    .executeTakeFirst();
  if (!row) throw new LoginFailure('ticket-unknown');
  return row;
}

/** Spends the ticket, atomically and even if a later check fails, then checks its expiry. */
export async function spendTicket(db: Db, ticket: string, row: TicketRow, now: number): Promise<void> {
  // The one-use guarantee: only the request whose UPDATE changes the row may go on.
  const spent = await db.updateTable('login_tickets').set({ used: 1 }).where('ticket_hash', '=', hashToken(ticket)).where('used', '=', 0).executeTakeFirst();
  if (Number(spent.numUpdatedRows) !== 1) throw new LoginFailure('ticket-used');
  if (now >= row.expiresAt) throw new LoginFailure('ticket-expired');
}
