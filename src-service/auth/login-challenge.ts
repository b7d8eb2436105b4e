import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { ChallengeResponse } from '../../src-shared/api/service-login.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { pruneDue } from '../store/prune-due.js';
import { LoginFailure } from './login-failure.js';
import { challengeRow, useChallenge } from './login-store.js';

// Card challenges: 32 random bytes, for one workstation, usable once, within 60 seconds. Most
// are for a login; a contact change asks for one bound to its session (ChallengeBinding), and
// a challenge is only ever accepted for what it was issued for.

export const CHALLENGE_TTL_MS = 60_000;
/** Spent and expired challenges (and tickets) are kept this long, so a late answer is told "expired" or "used", not "unknown". */
const KEEP_AFTER_EXPIRY_MS = 2 * 60_000;

/** What a challenge is for: a login (no session yet), or a contact change by one session. */
export interface ChallengeBinding {
  readonly purpose: 'login' | 'contact-change';
  readonly sessionId: number | null;
}
const LOGIN: ChallengeBinding = { purpose: 'login', sessionId: null };

export async function issueChallenge(ctx: ServiceContext, workstationId: string, binding: ChallengeBinding = LOGIN): Promise<z.infer<typeof ChallengeResponse>> {
  const now = ctx.now().getTime();
  if (pruneDue(ctx.db, 'login_challenges', now)) await pruneLoginRows(ctx.db, now);
  const nonce = randomBytes(32).toString('base64url');
  const expiresAt = now + CHALLENGE_TTL_MS;
  await ctx.db
    .insertInto('login_challenges')
    .values({ nonce, workstation_id: workstationId, expires_at: expiresAt, purpose: binding.purpose, session_id: binding.sessionId })
    .execute();
  return { nonce, serviceOrigin: ctx.serviceOrigin, expiresAt: new Date(expiresAt).toISOString() };
}

/** Deletes challenges and tickets spent or expired more than two minutes before `now`. */
export async function pruneLoginRows(db: Db, now: number): Promise<void> {
  await db.deleteFrom('login_challenges').where('expires_at', '<', now - KEEP_AFTER_EXPIRY_MS).execute();
  await db.deleteFrom('login_tickets').where('expires_at', '<', now - KEEP_AFTER_EXPIRY_MS).execute();
}

/**
 * Spends the challenge, then checks it. It is marked used first, atomically, so it is spent
 * even when this or a later check fails: a challenge never gets a second try.
 */
export async function consumeChallenge(ctx: ServiceContext, nonce: string, workstationId: string, now: Date, binding: ChallengeBinding = LOGIN): Promise<void> {
  const row = await challengeRow(ctx.db, nonce);
  // Issued for something else: to this caller it does not exist (and it is left unspent).
  if (!row || row.purpose !== binding.purpose || row.sessionId !== binding.sessionId) throw new LoginFailure('nonce-unknown');
  if (!(await useChallenge(ctx.db, nonce))) throw new LoginFailure('nonce-used');
  if (now.getTime() >= row.expiresAt) throw new LoginFailure('nonce-expired');
  if (row.workstationId !== workstationId) throw new LoginFailure('nonce-other-workstation');
}
