import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { ChallengeResponse } from '../../src-shared/api/service-login.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { LoginFailure } from './login-failure.js';
import { loginStatements } from './login-store.js';

// Login challenges: 32 random bytes, for one workstation, usable once, within 60 seconds.

export const CHALLENGE_TTL_MS = 60_000;
/** Spent and expired challenges (and tickets) are kept this long, so a late answer is told "expired" or "used", not "unknown". */
const KEEP_AFTER_EXPIRY_MS = 2 * 60_000;
/** Often enough that each sweep deletes only a few seconds' worth of rows (a short pause, not a long one). */
const PRUNE_EVERY_MS = 5_000;

const lastPrune = new WeakMap<Db, number>();

export function issueChallenge(ctx: ServiceContext, workstationId: string): z.infer<typeof ChallengeResponse> {
  const now = ctx.now().getTime();
  const s = loginStatements(ctx.db);
  // abs: a clock set back (NTP, or a test) must not stop the sweeps until it catches up.
  if (Math.abs(now - (lastPrune.get(ctx.db) ?? 0)) >= PRUNE_EVERY_MS) pruneLoginRows(ctx.db, now);
  const nonce = randomBytes(32).toString('base64url');
  const expiresAt = now + CHALLENGE_TTL_MS;
  s.insertChallenge.run(nonce, workstationId, expiresAt);
  return { nonce, serviceOrigin: ctx.serviceOrigin, expiresAt: new Date(expiresAt).toISOString() };
}

/** Deletes challenges and tickets spent or expired more than two minutes before `now`. */
export function pruneLoginRows(db: Db, now: number): void {
  const s = loginStatements(db);
  lastPrune.set(db, now);
  s.pruneChallenges.run(now - KEEP_AFTER_EXPIRY_MS);
  s.pruneTickets.run(now - KEEP_AFTER_EXPIRY_MS);
}

/**
 * Spends the challenge, then checks it. It is marked used first, atomically, so it is spent
 * even when this or a later check fails: a challenge never gets a second try.
 */
export function consumeChallenge(ctx: ServiceContext, nonce: string, workstationId: string, now: Date): void {
  const s = loginStatements(ctx.db);
  const row = s.challenge.get(nonce) as { workstationId: string; expiresAt: number; used: number } | undefined;
  if (!row) throw new LoginFailure('nonce-unknown');
  const won = s.useChallenge.run(nonce).changes === 1;
  if (!won) throw new LoginFailure('nonce-used');
  if (now.getTime() >= row.expiresAt) throw new LoginFailure('nonce-expired');
  if (row.workstationId !== workstationId) throw new LoginFailure('nonce-other-workstation');
}
