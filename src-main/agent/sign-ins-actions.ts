import type { SessionSignIns } from '../../src-shared/api/endpoints-sign-ins.js';
import type { AgentModel } from './agent-model.js';
import type { AgentRuntime } from './agent-runtime.js';
import { withSession } from './cim-actions.js';

// "Signed in to" in the Identity Agent box: the apps the session signed in to with its card
// (OpenID Connect sign-ins), and "Sign out" of one. The service keeps the list; the agent asks it
// when the box opens, after a sign-in, and after a sign-out, and puts the answer in the model so
// every window shows the same list.

/** The list the service gave for the session holding `token` (dropped if the session has changed). */
function signInsListed(m: AgentModel, token: string, answer: SessionSignIns): AgentModel {
  const session = m.session;
  if (session?.token !== token) return m;
  return { ...m, session: { ...session, signedInTo: answer.apps } };
}

export async function refreshSignIns(rt: AgentRuntime): Promise<SessionSignIns> {
  let used = '';
  const answer = await withSession(rt, (token) => {
    used = token;
    return rt.client.signIns(token);
  });
  rt.apply((m) => signInsListed(m, used, answer));
  return answer;
}

export async function signOutOfApp(rt: AgentRuntime, signInId: number): Promise<SessionSignIns> {
  let used = '';
  const answer = await withSession(rt, (token) => {
    used = token;
    return rt.client.signOutOfApp(token, signInId);
  });
  rt.apply((m) => signInsListed(m, used, answer));
  return answer;
}

/** After an app signed in: the provider records the sign-in once the browser comes back to it, so ask a little later (twice). */
const AFTER_SIGN_IN_MS = [1_500, 6_000];

export function refreshSignInsSoon(rt: AgentRuntime): void {
  for (const ms of AFTER_SIGN_IN_MS) {
    setTimeout(() => {
      if (rt.closing.aborted || !rt.model().session || rt.model().session?.locked) return;
      // Best effort: the box asks again when it opens.
      refreshSignIns(rt).catch(() => undefined);
    }, ms).unref();
  }
}
