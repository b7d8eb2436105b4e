import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { hashToken } from '../../../../src-service/auth/session-store.js';
import { actor, auditRows, sessionFor } from '../../../support/service-fixtures.js';
import { NOW, startHarness, type Harness } from '../cim/cim-harness.js';

// "Signed in to" in the Identity Agent box, at the HTTP boundary: a workstation session lists
// the apps it signed in to (its own oidc_sign_ins rows that have not ended, named by their
// registration) and signs out of one of them. Everyone may do this for their own session, whatever
// their role; nobody may see or end another session's sign-ins (404, as for one that does not
// exist: the answer does not tell them apart); no session is 401. Written by hand: the rows are
// put in directly, as the provider records them at a smartcard sign-in.

type RoleOrNone = RoleCode | 'none';
const ROLES: RoleOrNone[] = ['RAM', 'RAA(A)', 'RAA', 'S', 'IDC', 'LSA', 'none'];

/** Relying parties in the service configuration, each with a back-channel logout address. */
const RECORDS = 'records-app';
const PATHOLOGY = 'pathology-app';
const configured = (clientId: string, name: string) => ({
  client_id: clientId,
  client_name: name,
  token_endpoint_auth_method: 'none' as const,
  redirect_uris: [`http://localhost:9/${clientId}/cb`],
  backchannel_logout_uri: `http://localhost:9/${clientId}/logout`,
});

let h: Harness;
let clients = 0;
beforeAll(async () => {
  h = await startHarness({ oidcClients: [configured(RECORDS, 'Records'), configured(PATHOLOGY, 'Pathology')] });
});
afterAll(async () => h.close());

const LIST = '/v1/sessions/current/sign-ins';
const signOutPath = (id: number | string): string => `/v1/sessions/current/sign-ins/${id}/sign-out`;

async function sessionIdOf(token: string): Promise<number> {
  return (await h.db.selectFrom('sessions').select('id').where('token_hash', '=', hashToken(token)).executeTakeFirstOrThrow()).id;
}

/** A relying party added as the CLI adds one (named or not). */
async function cliClient(name: string | null): Promise<string> {
  const clientId = `cli-app-${++clients}`;
  const metadata = { client_id: clientId, redirect_uris: ['http://localhost:9/cb'], ...(name ? { client_name: name } : {}) };
  await h.db.insertInto('oidc_clients').values({ client_id: clientId, metadata: JSON.stringify(metadata), created_at: NOW.toISOString() }).execute();
  return clientId;
}

/** A smartcard sign-in to `clientId` by the session `token` belongs to. */
async function signIn(token: string, clientId: string, at: number, ended = false): Promise<number> {
  const sessionId = await sessionIdOf(token);
  const session = await h.db.selectFrom('sessions').select('user_id').where('id', '=', sessionId).executeTakeFirstOrThrow();
  const { id } = await h.db
    .insertInto('oidc_sign_ins')
    .values({
      oidc_session_uid: `uid-${sessionId}-${clientId}-${at}`,
      sid: `sid-${sessionId}-${clientId}-${at}`,
      client_id: clientId,
      user_id: session.user_id,
      agent_session_id: sessionId,
      authenticator_id: null,
      acr: 'AAL3_ANY',
      amr: JSON.stringify(['SCARD']),
      signed_in_at: at,
      ended_at: ended ? at + 1 : null,
      end_reason: ended ? 'card removed' : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return id;
}

const signInRow = (id: number) => h.db.selectFrom('oidc_sign_ins').select(['ended_at', 'end_reason']).where('id', '=', id).executeTakeFirstOrThrow();

describe('GET /v1/sessions/current/sign-ins', () => {
  it.each(ROLES)("rule: %s sees the apps its own session signed in to, oldest first, named by their registration; never another session's, nor an ended one", async (role) => {
    const orgs = await h.tree();
    const me = await actor(h.db, orgs.trustA.id, role === 'none' ? [] : [role]);
    const someoneElse = await actor(h.db, orgs.trustA.id, ['RAM'], 'Other');
    const theatres = await cliClient('Theatres');
    const unnamed = await cliClient(null);
    const at = NOW.getTime();
    const third = await signIn(me.token, unnamed, at + 120_000);
    const second = await signIn(me.token, theatres, at + 60_000);
    const first = await signIn(me.token, RECORDS, at);
    await signIn(me.token, PATHOLOGY, at - 60_000, true);
    await signIn(someoneElse.token, PATHOLOGY, at);

    const res = await h.call('GET', LIST, { token: me.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      apps: [
        { signInId: first, clientId: RECORDS, name: 'Records', signedInAt: NOW.toISOString() },
        { signInId: second, clientId: theatres, name: 'Theatres', signedInAt: new Date(at + 60_000).toISOString() },
        { signInId: third, clientId: unnamed, name: unnamed, signedInAt: new Date(at + 120_000).toISOString() },
      ],
    });
  });

  it('rule: a second session of the same person lists only its own sign-ins', async () => {
    const orgs = await h.tree();
    const me = await actor(h.db, orgs.trustA.id, []);
    const elsewhere = await sessionFor(h.db, me.userId, me.positionId);
    await signIn(elsewhere, PATHOLOGY, NOW.getTime());
    expect((await h.call('GET', LIST, { token: me.token })).body).toEqual({ apps: [] });
  });

  it('rule: without a session the list is refused with 401', async () => {
    expect((await h.call('GET', LIST)).status).toBe(401);
  });
});

describe('POST /v1/sessions/current/sign-ins/:signInId/sign-out', () => {
  it.each(ROLES)('rule: %s signs its own session out of one app: that sign-in ends, the app is queued its logout token, the others stay, and it is audited', async (role) => {
    const orgs = await h.tree();
    const me = await actor(h.db, orgs.trustA.id, role === 'none' ? [] : [role]);
    const records = RECORDS;
    const pathology = PATHOLOGY;
    const leaving = await signIn(me.token, records, NOW.getTime());
    const staying = await signIn(me.token, pathology, NOW.getTime() + 1);

    const res = await h.call('POST', signOutPath(leaving), { token: me.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ apps: [{ signInId: staying, clientId: pathology, name: 'Pathology', signedInAt: new Date(NOW.getTime() + 1).toISOString() }] });
    expect((await signInRow(leaving)).ended_at).not.toBeNull();
    expect((await signInRow(staying)).ended_at).toBeNull();
    const deliveries = await h.db.selectFrom('backchannel_deliveries').select(['client_id', 'uri']).where('sign_in_id', '=', leaving).execute();
    expect(deliveries).toEqual([{ client_id: records, uri: 'http://localhost:9/records-app/logout' }]);
    const audit = (await auditRows(h.db)).filter((r) => r.action === 'app.signed-out' && r.actor === me.uuid);
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]?.details ?? '{}')).toEqual({ signInId: leaving, clientId: records });
  });

  it("rule: another session's sign-in is not found (404) and stays signed in, even for an RA manager", async () => {
    const orgs = await h.tree();
    const manager = await actor(h.db, orgs.trustA.id, ['RAM'], 'Manager');
    const clinician = await actor(h.db, orgs.siteA1.id, []);
    const theirs = await signIn(clinician.token, RECORDS, NOW.getTime());
    const res = await h.call('POST', signOutPath(theirs), { token: manager.token });
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 404, code: 'not-found' });
    expect(await signInRow(theirs)).toEqual({ ended_at: null, end_reason: null });
    expect(await h.db.selectFrom('backchannel_deliveries').select('id').where('sign_in_id', '=', theirs).execute()).toEqual([]);
  });

  it('rule: an ended sign-in, or one that does not exist, is 404 and changes nothing; a sign-in id that is not a number is 400', async () => {
    const orgs = await h.tree();
    const me = await actor(h.db, orgs.trustA.id, []);
    const ended = await signIn(me.token, RECORDS, NOW.getTime(), true);
    expect((await h.call('POST', signOutPath(ended), { token: me.token })).status).toBe(404);
    expect((await signInRow(ended)).end_reason).toBe('card removed');
    expect((await h.call('POST', signOutPath(999_999_999), { token: me.token })).status).toBe(404);
    const bad = await h.call('POST', signOutPath('abc'), { token: me.token });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/signInId/);
  });

  it('rule: without a session signing out is refused with 401 and the sign-in stays', async () => {
    const orgs = await h.tree();
    const me = await actor(h.db, orgs.trustA.id, []);
    const mine = await signIn(me.token, RECORDS, NOW.getTime());
    expect((await h.call('POST', signOutPath(mine))).status).toBe(401);
    expect((await signInRow(mine)).ended_at).toBeNull();
  });
});
