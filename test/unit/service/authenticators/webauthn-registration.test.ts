import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditRows } from '../../../support/service-fixtures.js';
import { makeAttestation, SoftAuthenticator } from '../../../support/soft-webauthn.js';
import { NOW, startHarness, tableCounts, type Harness, type Orgs } from '../cim/cim-harness.js';
import { personAt, raAt, registerKey, relyingParty, startLink } from './authenticators-support.js';

// Adding a security key, passkey or Windows Hello through the one-time link: the link works once
// and for 10 minutes, the key's answer must be for this page's challenge, origin and RP ID with the
// user verified, and the assurance follows the attestation policy (webauthn-aal.ts).

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

async function issued() {
  const ra = await raAt(h, orgs.trustA.id);
  const user = await personAt(h, orgs.siteA1.id);
  return { ra, user, link: await startLink(h, ra.token, user.uuid) };
}

const liveKeys = (userId: number) => h.db.selectFrom('authenticators').selectAll().where('user_id', '=', userId).where('removed_at', 'is', null).execute();

describe('the one-time link', () => {
  it('rule: the link leads to the registration page on the service origin with the token in the fragment', async () => {
    const ra = await raAt(h, orgs.trustA.id);
    const user = await personAt(h, orgs.siteA1.id);
    const res = await h.call('POST', `/v1/users/${user.uuid}/authenticator-enrolments`, { token: ra.token, json: { kind: 'security-key' } });
    expect(res.status).toBe(201);
    const link = new URL(res.body.link as string);
    expect(`${link.origin}${link.pathname}`).toBe(`${relyingParty(h).origin}/authenticators/register`);
    expect(link.hash).toMatch(/^#[A-Za-z0-9_-]{43}$/);
    expect(Date.parse(res.body.expiresAt as string) - NOW.getTime()).toBe(10 * 60_000);
    // Only the token's hash is kept.
    const row = await h.db.selectFrom('authenticator_enrolments').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
    expect(Buffer.from(row.token_hash).toString('base64url')).not.toBe(link.hash.slice(1));
  });

  it('rule: a link adds one authenticator, once: used again it is refused and nothing more is added', async () => {
    const { user, link, ra } = await issued();
    const res = await registerKey(h, link);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ kind: 'security-key', label: 'Security key', aal: 2 });
    const keys = await liveKeys(user.id);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ kind: 'security-key', aal: 2, issued_by: ra.userId, sign_count: 0 });
    const again = await registerKey(h, link, new SoftAuthenticator());
    expect(again.status).toBe(410);
    expect(again.body.message).toBe('This link has expired or has already been used. Ask for a new one in Care Identity Management.');
    expect(await liveKeys(user.id)).toHaveLength(1);
  });

  it('rule: a link expires after 10 minutes', async () => {
    const { user, link } = await issued();
    h.setNow(new Date(NOW.getTime() + 10 * 60_000));
    expect((await registerKey(h, link)).status).toBe(410);
    h.setNow(new Date(NOW.getTime() + 10 * 60_000 - 1));
    expect((await registerKey(h, link)).status).toBe(201);
    expect(await liveKeys(user.id)).toHaveLength(1);
  });

  it('rule: starting a new link voids the previous one for that kind', async () => {
    const { ra, user, link } = await issued();
    const second = await startLink(h, ra.token, user.uuid);
    expect((await registerKey(h, link)).status).toBe(410);
    expect((await registerKey(h, second)).status).toBe(201);
  });

  it('rule: no link is made for a closed profile', async () => {
    const ra = await raAt(h, orgs.trustA.id);
    const user = await personAt(h, orgs.siteA1.id);
    await h.db.updateTable('users').set({ status: 'closed' }).where('id', '=', user.id).execute();
    const before = await tableCounts(h.db);
    const res = await h.call('POST', `/v1/users/${user.uuid}/authenticator-enrolments`, { token: ra.token, json: { kind: 'security-key' } });
    expect(res.status).toBe(409);
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: a made-up token is refused like a used one', async () => {
    const res = await h.call('POST', '/v1/authenticator-enrolments/webauthn/options', { json: { token: 'A'.repeat(43) } });
    expect(res.status).toBe(410);
  });
});

describe("the key's answer", () => {
  it.each([
    ['another challenge', { challenge: 'bm90LXRoZS1jaGFsbGVuZ2UtdGhlLXNlcnZpY2UtbWFkZQ' }],
    ['another origin', { origin: 'https://evil.example' }],
    ['another RP ID', { rpId: 'evil.example' }],
    ['a sign-in instead of a registration', { type: 'webauthn.get' }],
    ['no user verification', { userVerified: false }],
  ])('rule: an answer with %s is refused and nothing is added', async (_what, how) => {
    const { user, link } = await issued();
    const before = await tableCounts(h.db);
    const res = await registerKey(h, link, new SoftAuthenticator(), how);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Your authenticator could not be registered: its answer did not match this page. Start again from Care Identity Management.');
    expect(await tableCounts(h.db)).toEqual(before);
    expect(await liveKeys(user.id)).toHaveLength(0);
    // The link still works for a right answer.
    expect((await registerKey(h, link)).status).toBe(201);
  });

  it('rule: a verify before the options call is refused (no challenge yet)', async () => {
    const { link } = await issued();
    const credential = new SoftAuthenticator().register({ ...relyingParty(h), challenge: 'c29tZS1jaGFsbGVuZ2U' });
    const res = await h.call('POST', '/v1/authenticator-enrolments/webauthn/verify', { json: { token: link, credential } });
    expect(res.status).toBe(409);
  });

  it('rule: a key already registered is not added twice', async () => {
    const ra = await raAt(h, orgs.trustA.id);
    const user = await personAt(h, orgs.siteA1.id);
    const key = new SoftAuthenticator();
    expect((await registerKey(h, await startLink(h, ra.token, user.uuid), key)).status).toBe(201);
    const res = await registerKey(h, await startLink(h, ra.token, user.uuid), key);
    expect(res.status).toBe(409);
    expect(await liveKeys(user.id)).toHaveLength(1);
  });
});

describe('assurance', () => {
  let rootsDir: string;
  const attestation = makeAttestation();
  beforeAll(() => {
    rootsDir = mkdtempSync(join(tmpdir(), 'cis-roots-'));
    writeFileSync(join(rootsDir, 'roots.pem'), attestation.rootPem);
  });
  afterAll(() => {
    delete process.env['CIS_WEBAUTHN_ATTESTATION_ROOTS'];
    rmSync(rootsDir, { recursive: true, force: true });
  });

  it('rule: a hardware key attested by a trusted vendor root, device-bound and user-verified, reaches AAL3', async () => {
    process.env['CIS_WEBAUTHN_ATTESTATION_ROOTS'] = join(rootsDir, 'roots.pem');
    const { link } = await issued();
    const res = await registerKey(h, link, new SoftAuthenticator(), { attestation });
    expect(res.status).toBe(201);
    expect(res.body.aal).toBe(3);
  });

  it.each([
    ['attested by a root the deployment does not trust', { attestation: 'trusted-unset' as const }],
    ['a synced passkey, even attested', { attestation: 'trusted' as const, synced: true }],
    ['self attestation', { attestation: 'self' as const }],
    ['no attestation', { attestation: 'none' as const }],
  ])('rule: %s is AAL2', async (_what, how) => {
    if (how.attestation === 'trusted-unset') delete process.env['CIS_WEBAUTHN_ATTESTATION_ROOTS'];
    else process.env['CIS_WEBAUTHN_ATTESTATION_ROOTS'] = join(rootsDir, 'roots.pem');
    const { link } = await issued();
    const chosen = how.attestation === 'trusted' || how.attestation === 'trusted-unset' ? attestation : how.attestation;
    const res = await registerKey(h, link, new SoftAuthenticator(), { attestation: chosen, ...('synced' in how ? { synced: how.synced } : {}) });
    expect(res.status).toBe(201);
    expect(res.body.aal).toBe(2);
    expect(res.body.label).toBe('synced' in how ? 'Passkey' : 'Security key');
  });
});

describe('history', () => {
  it("rule: adding and removing are audited and shown in the profile's History", async () => {
    const { ra, user, link } = await issued();
    expect((await registerKey(h, link)).status).toBe(201);
    const [key] = await liveKeys(user.id);
    const removed = await h.call('POST', `/v1/users/${user.uuid}/authenticators/${key?.id}/remove`, { token: ra.token, json: { confirm: true } });
    expect(removed.status).toBe(200);
    const audit = (await auditRows(h.db)).filter((r) => r.subject === user.uuid);
    expect(audit.map((r) => [r.action, r.actor])).toEqual([
      ['authenticator.added', ra.uuid],
      ['authenticator.removed', ra.uuid],
    ]);
    const history = await h.call('GET', `/v1/users/${user.uuid}/history`, { token: ra.token });
    expect(history.status).toBe(200);
    expect(history.body.entries.map((e: { action: string }) => e.action).slice(0, 2)).toEqual(['authenticator.removed', 'authenticator.added']);
  });
});
