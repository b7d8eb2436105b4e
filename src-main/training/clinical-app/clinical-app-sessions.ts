import { randomBytes } from 'node:crypto';

// The app's own sessions, in memory (a training app forgets everyone when it stops), keyed by
// a random cookie value. A sign-in in progress keeps its state, nonce and PKCE verifier here and
// nowhere else; a finished one keeps what the app shows and the provider's `sid`, which is how
// a back-channel logout finds the sessions it ends.

interface PendingSignIn {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

interface SignedInUser {
  readonly sub: string;
  /** The provider session's id (ID token `sid`): what a logout token names. */
  readonly sid: string | undefined;
  readonly idToken: string;
  readonly name: string;
  readonly position: string | undefined;
  readonly organisation: string | undefined;
  readonly acr: string;
  readonly amr: readonly string[];
  /** The userinfo endpoint's answer, as the page lists it. */
  readonly userinfo: Readonly<Record<string, unknown>>;
}

interface SignedOut {
  readonly at: Date;
  readonly by: 'back-channel' | 'user';
}

export interface AppSession {
  pending?: PendingSignIn;
  user?: SignedInUser;
  signedOut?: SignedOut;
  /** Shown once on the next page (a refused sign-in, say). */
  problem?: string;
}

export class AppSessions {
  private readonly byId = new Map<string, AppSession>();

  get(id: string | undefined): AppSession | undefined {
    return id === undefined ? undefined : this.byId.get(id);
  }

  create(): { id: string; session: AppSession } {
    const id = randomBytes(24).toString('base64url');
    const session: AppSession = {};
    this.byId.set(id, session);
    return { id, session };
  }

  /** Ends every session of the provider session `sid` (or, without one, of `sub`); how many ended. */
  endByLogoutToken(claims: { sid?: string; sub?: string }, at: Date): number {
    let ended = 0;
    for (const session of this.byId.values()) {
      const user = session.user;
      if (!user) continue;
      const matches = claims.sid !== undefined ? user.sid === claims.sid : user.sub === claims.sub;
      if (!matches) continue;
      delete session.user;
      session.signedOut = { at, by: 'back-channel' };
      ended += 1;
    }
    return ended;
  }
}
