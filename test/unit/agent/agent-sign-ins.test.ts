import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AgentState } from '../../../src-shared/api/agent-api.js';
import { R1, signIn, startAgent, startServiceRig, type AgentRig, type ServiceRig } from './support/agent-rig.js';

// "Signed in to" through the agent: the apps the workstation session signed in to with its card
// come from the service (signIns.list) into the signed-in screen, so every window shows the same
// list; "Sign out" of one (signIns.signOut) ends that sign-in at the service and the list follows.
// The rows are put in as the provider records a smartcard sign-in.

const RECORDS = 'records-app';

let rig: ServiceRig;
const agents: AgentRig[] = [];

beforeAll(async () => {
  rig = await startServiceRig({
    oidcClients: [{ client_id: RECORDS, client_name: 'Patient Records', token_endpoint_auth_method: 'none', redirect_uris: ['http://localhost:9/cb'] }],
  });
});
afterAll(async () => rig.close());
afterEach(async () => {
  for (const a of agents.splice(0)) await a.close();
});

/** The newest live workstation session: the one the agent just opened. */
async function newestSession(): Promise<{ id: number; user_id: number }> {
  return rig.db.selectFrom('sessions').select(['id', 'user_id']).where('ended_at', 'is', null).orderBy('id', 'desc').executeTakeFirstOrThrow();
}

async function recordSignIn(session: { id: number; user_id: number }, at: number): Promise<number> {
  const { id } = await rig.db
    .insertInto('oidc_sign_ins')
    .values({
      oidc_session_uid: `uid-${session.id}-${at}`,
      sid: `sid-${session.id}-${at}`,
      client_id: RECORDS,
      user_id: session.user_id,
      agent_session_id: session.id,
      authenticator_id: null,
      acr: 'AAL3_ANY',
      amr: JSON.stringify(['SCARD']),
      signed_in_at: at,
      ended_at: null,
      end_reason: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

const signedInTo = (s: AgentState) => (s.screen.kind === 'signed-in' ? s.screen.signedInTo : null);

describe('Signed in to', () => {
  it('rule: the agent lists the apps its session signed in to in the signed-in screen, and Sign out ends that sign-in at the service', async () => {
    const a = startAgent(rig.service.url, { removalMode: 'mobility' });
    agents.push(a);
    await signIn(a, await rig.card('clinician'));
    expect(signedInTo(a.agent.state())).toEqual([]);
    const session = await newestSession();
    const at = Date.parse('2026-03-02T09:15:00Z');
    const id = await recordSignIn(session, at);

    const listed = await a.call('signIns.list', {});
    const app = { signInId: id, clientId: RECORDS, name: 'Patient Records', signedInAt: new Date(at).toISOString() };
    expect(listed).toEqual({ apps: [app] });
    expect(signedInTo(a.agent.state())).toEqual([app]);

    expect(await a.call('signIns.signOut', { signInId: id })).toEqual({ apps: [] });
    expect(signedInTo(a.agent.state())).toEqual([]);
    const row = await rig.db.selectFrom('oidc_sign_ins').select('ended_at').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.ended_at).not.toBeNull();
    // The workstation session itself carries on.
    expect(a.screen().kind).toBe('signed-in');
    await a.call('agent.logout', {});
  });

  it("rule: the agent cannot sign its session out of another session's app: refused in words, and that sign-in stays", async () => {
    const first = startAgent(rig.service.url, { workstationId: 'ws-first' });
    const second = startAgent(rig.service.url, { workstationId: 'ws-second' });
    agents.push(first, second);
    await signIn(first, await rig.card('clinician'));
    const theirs = await recordSignIn(await newestSession(), Date.now());
    await signIn(second, await rig.card('sponsor'));

    const failure = await second.failure('signIns.signOut', { signInId: theirs });
    expect(failure.code).toBe('service-refused');
    expect(failure.message).toBe('That app sign-in was not found.');
    expect(signedInTo(second.agent.state())).toEqual([]);
    const row = await rig.db.selectFrom('oidc_sign_ins').select('ended_at').where('id', '=', theirs).executeTakeFirstOrThrow();
    expect(row.ended_at).toBeNull();
    await first.call('agent.logout', {});
    await second.call('agent.logout', {});
  });

  it('rule: with no session, or a locked one, there is no list to ask for', async () => {
    const a = startAgent(rig.service.url, { removalMode: 'session-lock' });
    agents.push(a);
    expect((await a.failure('signIns.list', {})).code).toBe('not-signed-in');
    await signIn(a, await rig.card('clinician'));
    a.readers.remove(R1);
    expect((await a.failure('signIns.list', {})).code).toBe('not-signed-in');
    expect((await a.failure('signIns.signOut', { signInId: 1 })).code).toBe('not-signed-in');
    await a.call('agent.logout', {});
  });
});
