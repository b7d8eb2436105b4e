import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoleCode } from '../../../../src-shared/domain/roles.js';
import { endSession, resolveSession } from '../../../../src-service/auth/session-store.js';
import { actor, addOrg, TEST_KEY } from '../../../support/service-fixtures.js';
import { startSignInRig, type SignInRig } from '../sign-in/sign-in-rig.js';

// POST /v1/oidc/smartcard-sign-in: anyone signed in with their card may sign themself in to an
// app (no role is needed, none refused); without a live session (none, ended, a token without
// its key's proof) it is 401 and the ticket stays unspent. Bad input is a 400 naming the field.

type RoleOrNone = RoleCode | 'none';
const ROLES: RoleOrNone[] = ['RAM', 'RAA(A)', 'RAA', 'S', 'IDC', 'LSA', 'none'];

let rig: SignInRig;
let orgId: number;
beforeAll(async () => {
  rig = await startSignInRig();
  orgId = (await addOrg(rig.service.ctx.db, { code: 'RP1', name: 'Permission Trust', kind: 'trust' })).id;
});
afterAll(() => rig.close());

async function shownPage(): Promise<{ uid: string; ticket: string }> {
  const { uid, cookie } = await rig.begin('ward-app');
  return { uid, ticket: rig.ticketOf((await rig.page(uid, cookie)).html) };
}

const unspent = async (uid: string): Promise<boolean> =>
  (await rig.service.ctx.db.selectFrom('oidc_sign_in_tickets').select('used_at').where('uid', '=', uid).executeTakeFirstOrThrow()).used_at === null;

describe('POST /v1/oidc/smartcard-sign-in (own sign-in: everyone with a live session)', () => {
  it.each(ROLES)('rule: %s signs themself in to an app with their session', async (role) => {
    const me = await actor(rig.service.ctx.db, orgId, role === 'none' ? [] : [role]);
    const page = await shownPage();
    const answer = await rig.redeem(me.token, page);
    expect(answer.status).toBe(200);
    expect(typeof answer.body.redirectTo).toBe('string');
  });

  it('rule: without a session it is 401, and the ticket is not spent', async () => {
    const page = await shownPage();
    expect((await rig.redeem(undefined, page)).status).toBe(401);
    expect(await unspent(page.uid)).toBe(true);
  });

  it('rule: an ended session is 401, and the ticket is not spent', async () => {
    const me = await actor(rig.service.ctx.db, orgId, []);
    const session = await resolveSession(rig.service.ctx.db, me.token, TEST_KEY.thumbprint);
    await endSession(rig.service.ctx.db, session?.sessionId as number, 'logout');
    const page = await shownPage();
    expect((await rig.redeem(me.token, page)).status).toBe(401);
    expect(await unspent(page.uid)).toBe(true);
  });

  it('rule: a session token without its workstation key’s proof is 401 (a token copied off the agent is useless)', async () => {
    const me = await actor(rig.service.ctx.db, orgId, []);
    const page = await shownPage();
    const response = await fetch(`${rig.service.url}/v1/oidc/smartcard-sign-in`, {
      method: 'POST',
      headers: { authorization: `DPoP ${me.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(page),
    });
    expect(response.status).toBe(401);
    expect(await unspent(page.uid)).toBe(true);
  });

  it('rule: bad input is a 400 naming the field, and nothing is spent', async () => {
    const me = await actor(rig.service.ctx.db, orgId, []);
    const page = await shownPage();
    for (const [body, field] of [
      [{ uid: page.uid }, 'body.ticket'],
      [{ uid: 'bad uid!', ticket: page.ticket }, 'body.uid'],
      [{ ...page, extra: 1 }, 'body'],
    ] as const) {
      const answer = await rig.redeem(me.token, body);
      expect(answer.status).toBe(400);
      expect(answer.body.fields.map((f: { path: string }) => f.path)).toContain(field);
    }
    expect(await unspent(page.uid)).toBe(true);
  });
});
