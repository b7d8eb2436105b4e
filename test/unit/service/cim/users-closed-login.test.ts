import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCard } from '../../../../src-service/ca/card-factory.js';
import { actor } from '../../../support/service-fixtures.js';
import { call, cardLogin, holder, startServiceRig, type ServiceRig } from '../support/card-login-rig.js';

// Closing a profile through "Close a user profile" stops its holder at once: the session they
// are working in is refused on its next call, and their card no longer signs them in, each with
// words that send them to their Registration Authority. Reopening lets them sign in again.

let rig: ServiceRig;
beforeAll(async () => {
  rig = await startServiceRig();
});
afterAll(async () => rig.close());

describe('a profile closed by RA staff', () => {
  it("rule: the closed user's live session is refused on its next call, and their login is refused, both saying the profile is closed; after reopening they sign in", async () => {
    const h = await holder(rig.db, { given: 'Rowan', family: 'Ellis' });
    const card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
    const verify = await cardLogin(rig.service, card.state);
    expect(verify.status).toBe(200);
    const opened = await call(rig.service, 'POST', '/v1/login/session', { loginTicket: verify.body.loginTicket, positionId: h.positionId });
    expect(opened.status).toBe(200);
    const token = opened.body.token as string;
    expect((await call(rig.service, 'GET', '/v1/session', undefined, token)).status).toBe(200);

    const ra = await actor(rig.db, h.orgId, ['RAM']);
    const closed = await call(rig.service, 'POST', `/v1/users/${h.userUuid}/close`, { reason: 'Left the trust' }, ra.token);
    expect(closed.body).toEqual({ outcome: 'closed', sessionsEnded: 1 });

    const next = await call(rig.service, 'GET', '/v1/session', undefined, token);
    expect(next.status).toBe(401);
    expect(next.body.message).toBe('Your Care Identity profile is closed, so your session has ended. Contact your Registration Authority.');
    const login = await cardLogin(rig.service, card.state);
    expect(login.status).toBe(403);
    expect(login.body.message).toBe('Your Care Identity profile is closed. Contact your Registration Authority.');

    expect((await call(rig.service, 'POST', `/v1/users/${h.userUuid}/reopen`, { reason: 'Rejoined' }, ra.token)).status).toBe(200);
    expect((await cardLogin(rig.service, card.state)).status).toBe(200);
  });
});
