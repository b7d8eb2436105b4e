import { createHash } from 'node:crypto';
import type { BridgeSignInAnswer, BridgeSignInRequest } from '../../src-shared/api/agent-bridge.js';
import { ServiceRefusedError, ServiceUnreachableError } from '../service-client/service-client-errors.js';
import type { AgentModel } from './agent-model.js';
import type { AgentRuntime } from './agent-runtime.js';
import { settle } from './agent-transitions.js';
import { refreshSignInsSoon } from './sign-ins-actions.js';

// Sign-in for other apps: an app's sign-in page (through the agent's bridge) asks the agent to
// sign the card's holder in. The agent redeems the page's ticket at the service with its own
// session (token and proof), which never leaves it, and answers only where the browser goes
// next. Without a session it says so (the page asks for the card), with a locked one likewise
// (unlock the agent first). A ticket is taken once here too, whatever the service would say.

/** How long a ticket is worth remembering: its life at the service (two minutes), and some. */
const TICKET_MEMORY_MS = 3 * 60_000;

/** How long an app's request keeps the passcode prompt wanted in the Connect style. */
const APP_WAIT_MS = 2 * 60_000;

const USED = 'This sign-in has already been used. Go back to the app and sign in again.';
const SESSION_ENDED = 'Your Identity Agent session has ended. Sign in to the Identity Agent again, then go back to the app.';

/** An app asked to sign in with no session: in the Connect style the card gets the passcode prompt now. */
export const appAsksToSignIn = (m: AgentModel): AgentModel => (m.session || m.appWaiting ? m : settle({ ...m, appWaiting: true }));

/** Nobody is waiting any more (the page's ticket has expired): a card just sitting there is left alone. */
export const appWaitOver = (m: AgentModel): AgentModel => (m.appWaiting ? settle({ ...m, appWaiting: false }) : m);

export class AppSignIns {
  /** SHA-256 of each ticket already taken, with when. */
  private readonly used = new Map<string, number>();
  private waitTimer: NodeJS.Timeout | undefined;

  constructor(private readonly runtime: AgentRuntime) {}

  async signIn(request: BridgeSignInRequest): Promise<BridgeSignInAnswer> {
    const { runtime } = this;
    const session = runtime.model().session;
    if (!session) {
      this.wantLogin();
      return { outcome: 'no-session' };
    }
    if (session.locked) return { outcome: 'locked' };
    const now = runtime.now().getTime();
    for (const [key, at] of this.used) if (now - at > TICKET_MEMORY_MS) this.used.delete(key);
    const key = createHash('sha256').update(request.ticket).digest('base64url');
    if (this.used.has(key)) return { outcome: 'refused', message: USED };
    this.used.set(key, now);
    try {
      const { redirectTo } = await runtime.monitor.track(runtime.client.smartcardSignIn(session.token, { uid: request.uid, ticket: request.ticket }));
      refreshSignInsSoon(runtime);
      return { outcome: 'signed-in', redirectTo };
    } catch (err) {
      if (err instanceof ServiceRefusedError) return { outcome: 'refused', message: err.status === 401 ? SESSION_ENDED : err.message };
      if (err instanceof ServiceUnreachableError) this.used.delete(key);
      return { outcome: 'refused', message: err instanceof Error ? err.message : 'The Identity Agent could not sign you in.' };
    }
  }

  close(): void {
    clearTimeout(this.waitTimer);
  }

  /** Connect style: the passcode is asked now, for as long as the page's ticket lasts. */
  private wantLogin(): void {
    if (this.runtime.model().signInStyle !== 'connect') return;
    this.runtime.apply(appAsksToSignIn);
    clearTimeout(this.waitTimer);
    this.waitTimer = setTimeout(() => this.runtime.apply(appWaitOver), APP_WAIT_MS);
    this.waitTimer.unref();
  }
}
