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
