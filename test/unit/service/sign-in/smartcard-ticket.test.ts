import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../../../src-service/auth/session-store.js';
import { SIGN_IN_TICKET_TTL_MS } from '../../../../src-service/sign-in/smartcard-tickets.js';
import { actor, addOrg } from '../../../support/service-fixtures.js';
import { REDIRECT_URI, startSignInRig, type SignInRig } from './sign-in-rig.js';

// The smartcard sign-in ticket: minted for one showing of the page, redeemed once by the agent
// holding a live session, within two minutes, for that interaction only. Each refusal is in the
// user's words and leaves the app's sign-in unfinished.

let rig: SignInRig;
let orgId: number;
beforeAll(async () => {
  rig = await startSignInRig();
  orgId = (await addOrg(rig.service.ctx.db, { code: 'RT1', name: 'Ticket Trust', kind: 'trust' })).id;
});
afterAll(() => rig.close());
afterEach(() => rig.shiftClock(0));

async function shownPage(clientId = 'ward-app'): Promise<{ uid: string; cookie: string; ticket: string }> {
  const { uid, cookie } = await rig.begin(clientId);
  return { uid, cookie, ticket: rig.ticketOf((await rig.page(uid, cookie)).html) };
}

const clinician = () => actor(rig.service.ctx.db, orgId, []);

describe('smartcard sign-in ticket', () => {
  it('rule: the agent’s live session redeems the page’s ticket and the browser is sent on to finish the app’s sign-in with a code', async () => {
    const me = await clinician();
    const { uid, cookie, ticket } = await shownPage();
    const answer = await rig.redeem(me.token, { uid, ticket });
    expect(answer.status).toBe(200);
    const next = new URL(answer.body.redirectTo as string, rig.service.ctx.publicOrigin);
    expect(next.origin).toBe(rig.service.ctx.publicOrigin);
    // The browser (with its interaction cookies) follows it back into the provider, which sends it to the app with a code.
    const url = await rig.follow(answer.body.redirectTo as string, cookie);
    expect(url.startsWith(REDIRECT_URI)).toBe(true);
    expect(new URL(url).searchParams.get('code')).toBeTruthy();
  });

  it('rule: a ticket is used once: the second redemption is refused in words', async () => {
    const me = await clinician();
    const { uid, ticket } = await shownPage();
    expect((await rig.redeem(me.token, { uid, ticket })).status).toBe(200);
    const again = await rig.redeem(me.token, { uid, ticket });
    expect(again.status).toBe(403);
    expect(again.body.message).toBe('This sign-in has already been used. Go back to the app and sign in again.');
  });

  it('rule: a ticket expires two minutes after the page was shown', async () => {
    const me = await clinician();
    const { uid, ticket } = await shownPage();
    rig.shiftClock(SIGN_IN_TICKET_TTL_MS);
    const late = await rig.redeem(me.token, { uid, ticket });
    expect(late.status).toBe(403);
    expect(late.body.message).toBe('This sign-in has expired. Go back to the app and sign in again.');
  });

  it('rule: a ticket is good just before its two minutes are up', async () => {
    const me = await clinician();
    const { uid, ticket } = await shownPage();
    rig.shiftClock(SIGN_IN_TICKET_TTL_MS - 2_000);
    expect((await rig.redeem(me.token, { uid, ticket })).status).toBe(200);
  });

  it('rule: a ticket is for its own interaction: with another uid it is refused, and spent', async () => {
    const me = await clinician();
    const first = await shownPage();
    const second = await shownPage();
    const crossed = await rig.redeem(me.token, { uid: second.uid, ticket: first.ticket });
    expect(crossed.status).toBe(403);
    expect(crossed.body.message).toBe('This sign-in belongs to another page. Go back to the app and sign in again.');
    expect((await rig.redeem(me.token, { uid: first.uid, ticket: first.ticket })).status).toBe(403);
  });

  it('rule: a ticket the service never minted is refused', async () => {
    const me = await clinician();
    const { uid } = await shownPage();
    const made = await rig.redeem(me.token, { uid, ticket: 'x'.repeat(43) });
    expect(made.status).toBe(403);
    expect(made.body.message).toBe('This sign-in has expired. Go back to the app and sign in again.');
  });

  it('rule: only the ticket’s SHA-256 is stored, and the session that redeemed it is recorded', async () => {
    const me = await clinician();
    const { uid, ticket } = await shownPage();
    await rig.redeem(me.token, { uid, ticket });
    const rows = await rig.service.ctx.db.selectFrom('oidc_sign_in_tickets').selectAll().where('uid', '=', uid).execute();
    expect(rows).toHaveLength(1);
    expect(Buffer.from(rows[0]?.ticket_hash as Buffer).equals(hashToken(ticket))).toBe(true);
    expect(JSON.stringify(rows)).not.toContain(ticket);
    const session = await rig.service.ctx.db.selectFrom('sessions').select('id').where('user_id', '=', me.userId).executeTakeFirstOrThrow();
    expect(rows[0]?.session_id).toBe(session.id);
  });

  it('rule: the sign-in is recorded against the workstation session at AAL3 with amr SCARD', async () => {
    const me = await clinician();
    const { uid, cookie, ticket } = await shownPage();
    const answer = await rig.redeem(me.token, { uid, ticket });
    // The provider records the sign-in once the browser comes back through it.
    expect((await rig.follow(answer.body.redirectTo as string, cookie)).startsWith(REDIRECT_URI)).toBe(true);
    const session = await rig.service.ctx.db.selectFrom('sessions').select('id').where('user_id', '=', me.userId).executeTakeFirstOrThrow();
    const signIn = await rig.service.ctx.db.selectFrom('oidc_sign_ins').selectAll().where('user_id', '=', me.userId).executeTakeFirstOrThrow();
    expect(signIn).toMatchObject({ client_id: 'ward-app', agent_session_id: session.id, acr: 'AAL3_ANY' });
    expect(JSON.parse(signIn.amr)).toEqual(['SCARD']);
  });
});
