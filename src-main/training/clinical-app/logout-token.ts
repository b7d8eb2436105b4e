import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';

// OpenID Connect Back-Channel Logout 1.0, section 2.6: what a relying party checks before it
// believes a logout token. Signed by a key in the provider's JWKS, from that issuer, for this
// client, recent, with the back-channel logout event, a `sid` or `sub`, no `nonce`, and a `jti`
// not seen before (a replayed token changes nothing).

const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const MAX_TOKEN_AGE = '2 minutes';

export class LogoutTokenRefused extends Error {
  override name = 'LogoutTokenRefused';
}

export interface LogoutClaims {
  readonly sid?: string;
  readonly sub?: string;
  readonly jti: string;
}

export class LogoutTokenVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly issuer: string,
    jwksUri: string,
    private readonly clientId: string,
  ) {
    this.keys = createRemoteJWKSet(new URL(jwksUri));
  }

  async verify(token: string): Promise<LogoutClaims> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, { issuer: this.issuer, audience: this.clientId, maxTokenAge: MAX_TOKEN_AGE }));
    } catch (err) {
      throw new LogoutTokenRefused(`the logout token did not verify: ${(err as Error).message}`);
    }
    const events = payload['events'];
    if (typeof events !== 'object' || events === null || typeof (events as Record<string, unknown>)[BACKCHANNEL_LOGOUT_EVENT] !== 'object') {
      throw new LogoutTokenRefused('the logout token has no back-channel logout event');
    }
    if ('nonce' in payload) throw new LogoutTokenRefused('a logout token must not carry a nonce');
    const sid = typeof payload['sid'] === 'string' ? payload['sid'] : undefined;
    const sub = typeof payload.sub === 'string' ? payload.sub : undefined;
    if (sid === undefined && sub === undefined) throw new LogoutTokenRefused('the logout token names neither a session (sid) nor a user (sub)');
    const jti = payload.jti;
    if (typeof jti !== 'string' || jti === '') throw new LogoutTokenRefused('the logout token has no jti');
    this.forgetOld();
    if (this.seen.has(jti)) throw new LogoutTokenRefused('this logout token was already used');
    this.seen.set(jti, Date.now());
    return { jti, ...(sid !== undefined ? { sid } : {}), ...(sub !== undefined ? { sub } : {}) };
  }

  /** A jti only needs remembering while its token would still be accepted. */
  private forgetOld(): void {
    const before = Date.now() - 5 * 60_000;
    for (const [jti, at] of this.seen) if (at < before) this.seen.delete(jti);
  }
}
