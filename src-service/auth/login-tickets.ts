import { randomBytes } from 'node:crypto';
import { hashToken } from './session-store.js';
import type { Db } from '../store/database.js';
import { LoginFailure } from './login-failure.js';
import { loginStatements, type TicketRow } from './login-store.js';

// The login ticket bridges "the card proved itself" and "the user chose a position": random,
// five minutes, one use, bound to the user, card and workstation. Only its SHA-256 is stored.

export const TICKET_TTL_MS = 5 * 60_000;

export function issueTicket(db: Db, t: { userId: number; cardId: number; workstationId: string; now: number }): string {
  const ticket = randomBytes(32).toString('base64url');
  loginStatements(db).insertTicket.run(hashToken(ticket), t.userId, t.cardId, t.workstationId, t.now + TICKET_TTL_MS);
  return ticket;
}

/** The ticket's record (so a refusal can be audited against its holder), or 401 when unknown. */
export function findTicket(db: Db, ticket: string): TicketRow {
  const row = loginStatements(db).ticket.get(hashToken(ticket)) as TicketRow | undefined;
  if (!row) throw new LoginFailure('ticket-unknown');
  return row;
}

/** Spends the ticket, atomically and even if a later check fails, then checks its expiry. */
export function spendTicket(db: Db, ticket: string, row: TicketRow, now: number): void {
  if (loginStatements(db).useTicket.run(hashToken(ticket)).changes !== 1) throw new LoginFailure('ticket-used');
  if (now >= row.expiresAt) throw new LoginFailure('ticket-expired');
}
