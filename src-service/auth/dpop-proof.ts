import { createHash } from 'node:crypto';
import { EmbeddedJWK, jwtVerify } from 'jose';
import { z } from 'zod';
import { DPOP_ALGORITHM, DPOP_MAX_SKEW_SECONDS, DPOP_PROOF_TYPE, DPOP_SCHEME, DpopProofClaims } from '../../src-shared/api/service-login.js';
import { jwkThumbprint } from '../../src-shared/crypto/jwk-thumbprint.js';
import { ServiceError } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { pruneDue } from '../store/prune-due.js';

// Proof of possession of the workstation key (DPoP, RFC 9449): the proof's signature with the
// key it carries, made for this method and URL, recently, and for the token presented. Its id is
// spent in the database, not in memory, so that no instance of the service sharing the database
// takes the same proof twice; spent ids are pruned once the proof would be too old anyway.

/** What a 401 tells the client to do (RFC 9449 section 7.1): prove with a DPoP key, this algorithm. */
export function dpopChallenge(error?: 'invalid_token' | 'invalid_dpop_proof'): string {
  return `${DPOP_SCHEME} ${error ? `error="${error}", ` : ''}algs="${DPOP_ALGORITHM}"`;
}

/** A 401 that says which part of the proof of possession failed, for the WWW-Authenticate header. */
export class ProofRefusal extends ServiceError {
  override name = 'ProofRefusal';
  constructor(
    message: string,
    readonly challenge: string,
  ) {
    super(401, 'unauthenticated', message);
  }
}

const proofRefused = (): ProofRefusal =>
  new ProofRefusal('This workstation could not prove it holds the key it signed in with. Sign in with your smartcard again.', dpopChallenge('invalid_dpop_proof'));

const PublicEcJwk = z.object({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string() });

/** A proof longer than this is not one the agent made (a P-256 proof is under 1 kB). */
const MAX_PROOF_LENGTH = 4096;

export interface ProvedCall {
  readonly method: string;
  /** The request path, without the query. */
  readonly path: string;
  /** The DPoP header as received. */
  readonly proof: string | string[] | undefined;
  /** The session token the call presents, if any: the proof must name its hash. */
  readonly token?: string;
}

export interface VerifiedProof {
  /** RFC 7638 thumbprint of the key that signed the proof. */
  readonly keyThumbprint: string;
  readonly jti: string;
  readonly iat: number;
}

/** The URL a proof must name: the service's own origin and the request's path. */
function sameTarget(htu: string, origin: string, path: string): boolean {
  let named: URL;
  try {
    named = new URL(htu);
  } catch {
    return false;
  }
  const expected = new URL(origin);
  expected.pathname = path;
  return named.origin === expected.origin && named.pathname === expected.pathname;
}

/** Checks the proof of `call`; it is not spent yet (see spendProof). */
export async function verifyProof(ctx: ServiceContext, call: ProvedCall): Promise<VerifiedProof> {
  const { proof } = call;
  if (typeof proof !== 'string' || proof.length === 0) {
    throw new ProofRefusal('This workstation did not prove it holds its key. Sign in with your smartcard again.', dpopChallenge('invalid_dpop_proof'));
  }
  if (proof.length > MAX_PROOF_LENGTH) throw proofRefused();
  let verified;
  try {
    verified = await jwtVerify(proof, EmbeddedJWK, { typ: DPOP_PROOF_TYPE, algorithms: [DPOP_ALGORITHM] });
  } catch {
    throw proofRefused();
  }
  const jwk = PublicEcJwk.safeParse(verified.protectedHeader.jwk);
  const claims = DpopProofClaims.safeParse(verified.payload);
  if (!jwk.success || !claims.success) throw proofRefused();
  const { htm, htu, iat, jti, ath } = claims.data;
  if (htm !== call.method.toUpperCase() || !sameTarget(htu, ctx.serviceOrigin, call.path)) throw proofRefused();
  if (Math.abs(ctx.now().getTime() / 1000 - iat) > DPOP_MAX_SKEW_SECONDS) throw proofRefused();
  if (call.token !== undefined && ath !== createHash('sha256').update(call.token, 'ascii').digest('base64url')) throw proofRefused();
  return { keyThumbprint: jwkThumbprint(jwk.data), jti, iat };
}

/**
 * Spends the proof's id for its key: a second use, by this instance or any other on the same
 * database, is refused. Kept until the proof is past the freshness window, after which its `iat`
 * alone refuses it.
 */
export async function spendProof(db: Db, proof: VerifiedProof, now: number): Promise<void> {
  if (pruneDue(db, 'dpop_proofs', now)) await db.deleteFrom('dpop_proofs').where('expires_at', '<', now).execute();
  const expiresAt = (proof.iat + DPOP_MAX_SKEW_SECONDS) * 1000;
  const fresh = await db
    .insertInto('dpop_proofs')
    .values({ key_thumbprint: proof.keyThumbprint, jti: proof.jti, expires_at: expiresAt })
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  if (Number(fresh.numInsertedOrUpdatedRows ?? 0) !== 1) throw proofRefused();
}

/** The key a call proves possession of, its proof checked and spent: what a new session is bound to. */
export async function provedKey(ctx: ServiceContext, call: ProvedCall): Promise<string> {
  const proof = await verifyProof(ctx, call);
  await spendProof(ctx.db, proof, ctx.now().getTime());
  return proof.keyThumbprint;
}
