import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, tableCounts, type Harness, type Orgs } from '../cim/cim-harness.js';
import { personAt, raAt, registerKey, startLink } from './authenticators-support.js';

// The Authenticators tab's list and the Remove journey, bad input on every endpoint, and the
// registration page as a browser gets it.

let h: Harness;
let orgs: Orgs;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  h.resetClock();
  orgs = await h.tree();
});

async function withKey() {
  const ra = await raAt(h, orgs.trustA.id);
  const user = await personAt(h, orgs.siteA1.id);
  expect((await registerKey(h, await startLink(h, ra.token, user.uuid))).status).toBe(201);
  const list = await h.call('GET', `/v1/users/${user.uuid}/authenticators`, { token: ra.token });
  return { ra, user, key: list.body.authenticators[0] as { id: number } };
}

describe('list', () => {
  it('rule: NHS.net Connect is offered only where the service has an upstream provider set up for it', async () => {
    const ra = await raAt(h, orgs.trustA.id);
    const user = await personAt(h, orgs.siteA1.id);
    const here = await h.call('GET', `/v1/users/${user.uuid}/authenticators`, { token: ra.token });
    expect(here.body.mayIssue).not.toContain('nhsnet-connect');
    const connected = await startHarness({ nhsnetConnect: { issuer: 'https://login.nhsnet.example', clientId: 'care-identity', clientSecret: 'an-upstream-secret-of-at-least-32-chars' } });
    try {
      const tree = await connected.tree();
      const raThere = await raAt(connected, tree.trustA.id);
      const userThere = await personAt(connected, tree.siteA1.id);
      const there = await connected.call('GET', `/v1/users/${userThere.uuid}/authenticators`, { token: raThere.token });
      expect(there.body.mayIssue).toContain('nhsnet-connect');
    } finally {
      await connected.close();
    }
  });

  it('rule: the list shows kind, label, assurance, when and by whom it was added, and what the viewer may do', async () => {
    const { ra, user } = await withKey();
    const list = await h.call('GET', `/v1/users/${user.uuid}/authenticators`, { token: ra.token });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      own: false,
      authenticators: [
        {
          id: expect.any(Number),
          kind: 'security-key',
          label: 'Security key',
          aal: 2,
          addedAt: '2025-06-15T10:00:00.000Z',
          addedBy: { uuid: ra.uuid, name: expect.stringContaining('RAA') },
          lastUsedAt: null,
          mayRemove: true,
        },
      ],
      mayIssue: ['microsoft-authenticator', 'security-key', 'windows-hello'],
    });
  });
});

describe('remove', () => {
  it('rule: removing needs the confirmation tick; without it nothing changes', async () => {
    const { ra, user, key } = await withKey();
    for (const json of [{}, { confirm: false }, { confirm: 'yes' }]) {
      const before = await tableCounts(h.db);
      const res = await h.call('POST', `/v1/users/${user.uuid}/authenticators/${key.id}/remove`, { token: ra.token, json });
      expect(res.status).toBe(400);
      expect(res.body.fields).toEqual([{ path: 'body.confirm', message: 'Confirm that you want to remove this authenticator' }]);
      expect(await tableCounts(h.db)).toEqual(before);
    }
  });

  it('rule: a removed authenticator leaves the list and cannot be removed again', async () => {
    const { ra, user, key } = await withKey();
    const res = await h.call('POST', `/v1/users/${user.uuid}/authenticators/${key.id}/remove`, { token: ra.token, json: { confirm: true } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: key.id, kind: 'security-key', label: 'Security key', removedAt: '2025-06-15T10:00:00.000Z' });
    const row = await h.db.selectFrom('authenticators').select(['removed_at', 'removed_by']).where('id', '=', key.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ removed_at: '2025-06-15T10:00:00.000Z', removed_by: ra.userId });
    expect((await h.call('GET', `/v1/users/${user.uuid}/authenticators`, { token: ra.token })).body.authenticators).toEqual([]);
    const again = await h.call('POST', `/v1/users/${user.uuid}/authenticators/${key.id}/remove`, { token: ra.token, json: { confirm: true } });
    expect(again.status).toBe(404);
  });

  it("rule: an authenticator is removed only through its own holder's profile", async () => {
    const { ra, key } = await withKey();
    const other = await personAt(h, orgs.siteA1.id);
    const before = await tableCounts(h.db);
    const res = await h.call('POST', `/v1/users/${other.uuid}/authenticators/${key.id}/remove`, { token: ra.token, json: { confirm: true } });
    expect(res.status).toBe(404);
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: the smartcard is not removed here (it is cancelled or cleared on the Smartcards tab)', async () => {
    const ra = await raAt(h, orgs.trustA.id);
    const user = await personAt(h, orgs.siteA1.id);
    const { id } = await h.db.insertInto('authenticators').values({ user_id: user.id, kind: 'smartcard', label: 'Smartcard', created_at: '2025-06-01T00:00:00.000Z' }).returning('id').executeTakeFirstOrThrow();
    const res = await h.call('POST', `/v1/users/${user.uuid}/authenticators/${id}/remove`, { token: ra.token, json: { confirm: true } });
    expect(res.status).toBe(404);
  });
});

describe('bad input', () => {
  it.each([
    ['no kind', {}, 'body.kind'],
    ['the smartcard', { kind: 'smartcard' }, 'body.kind'],
    ['an unknown kind', { kind: 'carrier-pigeon' }, 'body.kind'],
    ['an extra field', { kind: 'security-key', forUser: 'x' }, 'body'],
  ])('rule: starting with %s is a 400 naming the field, and nothing changes', async (_what, json, field) => {
    const ra = await raAt(h, orgs.trustA.id);
    const user = await personAt(h, orgs.siteA1.id);
    const before = await tableCounts(h.db);
    const res = await h.call('POST', `/v1/users/${user.uuid}/authenticator-enrolments`, { token: ra.token, json });
    expect(res.status).toBe(400);
    expect(res.body.fields.map((f: { path: string }) => f.path)).toContain(field);
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: a user or authenticator named badly is a 400, an unknown one a 404', async () => {
    const ra = await raAt(h, orgs.trustA.id);
    expect((await h.call('GET', '/v1/users/not-a-uuid/authenticators', { token: ra.token })).status).toBe(400);
    expect((await h.call('POST', `/v1/users/${ra.uuid}/authenticators/abc/remove`, { token: ra.token, json: { confirm: true } })).status).toBe(400);
    expect((await h.call('GET', '/v1/users/00000000-0000-4000-8000-000000000000/authenticators', { token: ra.token })).status).toBe(404);
  });

  it.each([
    ['no token', {}],
    ['a token of the wrong shape', { token: 'short' }],
  ])('rule: the registration page calls with %s are a 400', async (_what, json) => {
    const before = await tableCounts(h.db);
    expect((await h.call('POST', '/v1/authenticator-enrolments/webauthn/options', { json })).status).toBe(400);
    expect((await h.call('POST', '/v1/authenticator-enrolments/webauthn/verify', { json: { ...json, credential: {} } })).status).toBe(400);
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: a credential that is not a WebAuthn answer is a 400, and the link still works', async () => {
    const ra = await raAt(h, orgs.trustA.id);
    const user = await personAt(h, orgs.siteA1.id);
    const link = await startLink(h, ra.token, user.uuid);
    await h.call('POST', '/v1/authenticator-enrolments/webauthn/options', { json: { token: link } });
    for (const credential of [{ id: 'x', rawId: 'x', type: 'password', response: {} }, { id: 'x', rawId: 'x', type: 'public-key', response: { clientDataJSON: '!!' } }]) {
      const res = await h.call('POST', '/v1/authenticator-enrolments/webauthn/verify', { json: { token: link, credential } });
      expect(res.status).toBe(400);
    }
    expect((await registerKey(h, link)).status).toBe(201);
  });
});

describe('the registration page', () => {
  it('rule: the page is served with a strict Content-Security-Policy, no Referer and no framing, and loads its scripts from this origin', async () => {
    const res = await fetch(`${h.url}/authenticators/register`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await res.text();
    expect(html.match(/<h1/g)).toHaveLength(1);
    expect(html).not.toMatch(/<script>(?!<\/script>)/);
    for (const src of [...html.matchAll(/<(?:script src|link rel="stylesheet" href)="([^"]+)"/g)].map((m) => m[1] as string)) {
      expect(src.startsWith('/') && !src.startsWith('//'), src).toBe(true);
      const asset = await fetch(`${h.url}${src}`);
      expect(asset.status, src).toBe(200);
    }
  });
});
