import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signInWithTotp } from '../../../../src-service/devices/totp-sign-in.js';
import { totpOf } from '../../../../src-service/devices/totp.js';
import { auditRows } from '../../../support/service-fixtures.js';
import { NOW, startHarness, tableCounts, type Harness, type Orgs } from '../cim/cim-harness.js';
import { fakeProvider, raManager } from './ipad-support.js';
import { actor } from '../../../support/service-fixtures.js';

// The authenticator app (Microsoft Authenticator): set up with an otpauth:// QR code and the
// secret as text, kept only when a first code confirms it (sealed, AAL2); a sign-in takes the
// email address and a code: one step either side of now, each code once, five wrong codes lock.

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

const codeAt = (secret: string, at: Date) => totpOf(secret, 'test').generate({ timestamp: at.getTime() });
const later = (ms: number) => new Date(NOW.getTime() + ms);
const apps = (userId: number) => h.db.selectFrom('authenticators').select(['uuid', 'kind', 'aal', 'secret_sealed', 'removed_at']).where('user_id', '=', userId).where('kind', '=', 'microsoft-authenticator').execute();

/** A clinician who set up the app on their own profile; its secret. */
async function withApp() {
  const me = await actor(h.db, orgs.trustA.id, [], `Clinician${Math.random().toString(36).slice(2, 8)}`);
  const email = (await h.db.selectFrom('users').select('email').where('id', '=', me.userId).executeTakeFirstOrThrow()).email as string;
  const setUp = await h.call('POST', `/v1/users/${me.uuid}/authenticators/totp-enrolments`, { token: me.token });
  expect(setUp.status).toBe(201);
  const secret = setUp.body.secret as string;
  const confirm = await h.call('POST', `/v1/users/${me.uuid}/authenticators/totp-enrolments/${setUp.body.enrolmentId}/confirm`, { token: me.token, json: { code: codeAt(secret, NOW) } });
  expect(confirm.status).toBe(201);
  return { me, email, secret };
}

describe('setting up the authenticator app', () => {
  it('rule: the set-up shows an otpauth:// QR code and the secret as text; nothing is kept until a first code confirms it; then it is an AAL2 authenticator, its secret sealed, audited', async () => {
    const me = await actor(h.db, orgs.trustA.id, [], 'Clinician');
    const setUp = await h.call('POST', `/v1/users/${me.uuid}/authenticators/totp-enrolments`, { token: me.token });
    expect(setUp.status).toBe(201);
    expect(setUp.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(setUp.body.otpauthUrl).toBe(`otpauth://totp/Care%20Identity%20Service:clinician%40nhs.net?issuer=Care%20Identity%20Service&secret=${setUp.body.secret}&algorithm=SHA1&digits=6&period=30`);
    expect(setUp.body.qrSvg).toContain('<svg');
    expect(await apps(me.userId)).toEqual([]);

    const confirm = await h.call('POST', `/v1/users/${me.uuid}/authenticators/totp-enrolments/${setUp.body.enrolmentId}/confirm`, { token: me.token, json: { code: codeAt(setUp.body.secret, NOW) } });
    expect(confirm.status).toBe(201);
    const kept = await apps(me.userId);
    expect(kept).toEqual([expect.objectContaining({ uuid: confirm.body.authenticatorUuid, aal: 2, removed_at: null })]);
    expect(Buffer.from(kept[0]?.secret_sealed ?? []).toString('latin1')).not.toContain(setUp.body.secret);
    const added = (await auditRows(h.db)).filter((r) => r.action === 'authenticator.added' && r.subject === me.uuid);
    expect(added.map((r) => JSON.parse(r.details) as unknown)).toEqual([{ kind: 'microsoft-authenticator', authenticatorUuid: confirm.body.authenticatorUuid, aal: 2 }]);
    const again = await h.call('POST', `/v1/users/${me.uuid}/authenticators/totp-enrolments/${setUp.body.enrolmentId}/confirm`, { token: me.token, json: { code: codeAt(setUp.body.secret, NOW) } });
    expect({ status: again.status, message: again.body.message }).toEqual({ status: 410, message: 'This set-up has already finished. Start again to add another.' });
  });

  it('rule: a wrong first code keeps nothing; the fifth wrong code ends the set-up', async () => {
    const me = await actor(h.db, orgs.trustA.id, [], 'Clinician');
    const setUp = await h.call('POST', `/v1/users/${me.uuid}/authenticators/totp-enrolments`, { token: me.token });
    const wrong = codeAt(setUp.body.secret, later(10 * 60_000));
    const path = `/v1/users/${me.uuid}/authenticators/totp-enrolments/${setUp.body.enrolmentId}/confirm`;
    for (let i = 1; i <= 4; i++) {
      const res = await h.call('POST', path, { token: me.token, json: { code: wrong } });
      expect({ status: res.status, message: res.body.message }).toEqual({ status: 400, message: 'The code is not right. Enter the 6-digit code the app shows now.' });
    }
    const fifth = await h.call('POST', path, { token: me.token, json: { code: wrong } });
    expect(fifth.body.message).toBe('That code is not right, and that was the last try. Start the set-up again.');
    const right = await h.call('POST', path, { token: me.token, json: { code: codeAt(setUp.body.secret, NOW) } });
    expect(right.status).toBe(410);
    expect(await apps(me.userId)).toEqual([]);
  });

  it('rule: a code that is not 6 digits is a 400 naming the field and changes nothing', async () => {
    const me = await actor(h.db, orgs.trustA.id, [], 'Clinician');
    const setUp = await h.call('POST', `/v1/users/${me.uuid}/authenticators/totp-enrolments`, { token: me.token });
    const before = await tableCounts(h.db);
    const res = await h.call('POST', `/v1/users/${me.uuid}/authenticators/totp-enrolments/${setUp.body.enrolmentId}/confirm`, { token: me.token, json: { code: '12a45' } });
    expect({ status: res.status, fields: res.body.fields }).toEqual({ status: 400, fields: [{ path: 'body.code', message: 'Enter the 6-digit code from the app' }] });
    expect(await tableCounts(h.db)).toEqual(before);
  });
});

describe('signing in with the authenticator app', () => {
  it('rule: the email address and the current code sign in at AAL2 as the authenticator app', async () => {
    const { me, email, secret } = await withApp();
    const provider = fakeProvider();
    provider.requiredAalOf = () => Promise.resolve({ aal: 2, clientName: 'Training clinical app' });
    h.setNow(later(60_000));
    const done = await signInWithTotp(h.service.ctx, provider, 'uid-t1', { email: email.toUpperCase(), code: codeAt(secret, later(60_000)) });
    expect(done).toEqual({ redirectTo: '/oidc/interaction/uid-t1/done' });
    expect(provider.finished).toEqual([{ uid: 'uid-t1', who: expect.objectContaining({ userId: me.userId, aal: 2, kind: 'microsoft-authenticator' }) }]);
  });

  it('rule: a code is used once: the same code again is refused', async () => {
    const { email, secret } = await withApp();
    const provider = fakeProvider();
    provider.requiredAalOf = () => Promise.resolve({ aal: 2, clientName: 'App' });
    h.setNow(later(60_000));
    const code = codeAt(secret, later(60_000));
    await signInWithTotp(h.service.ctx, provider, 'uid-t2', { email, code });
    await expect(signInWithTotp(h.service.ctx, provider, 'uid-t3', { email, code })).rejects.toThrow('This code has already been used. Wait for the app to show a new code.');
    // The confirming code's step was used too: it cannot sign in.
    h.setNow(later(90_000));
    await expect(signInWithTotp(h.service.ctx, provider, 'uid-t4', { email, code: codeAt(secret, later(60_000)) })).rejects.toThrow('already been used');
    expect(provider.finished).toHaveLength(1);
  });

  it('rule: a code one step (30 s) either side of now is accepted; two steps away is not', async () => {
    const { email, secret } = await withApp();
    const provider = fakeProvider();
    provider.requiredAalOf = () => Promise.resolve({ aal: 2, clientName: 'App' });
    h.setNow(later(10 * 60_000));
    await expect(signInWithTotp(h.service.ctx, provider, 'uid-a', { email, code: codeAt(secret, later(10 * 60_000 - 60_000)) })).rejects.toThrow('The email address or the code is not right.');
    await signInWithTotp(h.service.ctx, provider, 'uid-b', { email, code: codeAt(secret, later(10 * 60_000 - 30_000)) });
    await signInWithTotp(h.service.ctx, provider, 'uid-c', { email, code: codeAt(secret, later(10 * 60_000 + 30_000)) });
    expect(provider.finished.map((f) => f.uid)).toEqual(['uid-b', 'uid-c']);
  });

  it('rule: five wrong codes lock the app sign-in for 15 minutes, even with the right code; an unknown email gets the same answer as a wrong code', async () => {
    const { email, secret } = await withApp();
    const provider = fakeProvider();
    provider.requiredAalOf = () => Promise.resolve({ aal: 2, clientName: 'App' });
    const at = later(5 * 60_000);
    h.setNow(at);
    const wrong = codeAt(secret, later(60 * 60_000));
    for (let i = 0; i < 5; i++) await expect(signInWithTotp(h.service.ctx, provider, 'uid-x', { email, code: wrong })).rejects.toThrow('The email address or the code is not right.');
    await expect(signInWithTotp(h.service.ctx, provider, 'uid-x', { email, code: codeAt(secret, at) })).rejects.toThrow('Too many wrong codes. Wait 15 minutes, then try again.');
    await expect(signInWithTotp(h.service.ctx, provider, 'uid-x', { email: 'nobody@nhs.net', code: codeAt(secret, at) })).rejects.toThrow('The email address or the code is not right.');
    const after = new Date(at.getTime() + 15 * 60_000);
    h.setNow(after);
    await signInWithTotp(h.service.ctx, provider, 'uid-y', { email, code: codeAt(secret, after) });
    expect(provider.finished.map((f) => f.uid)).toEqual(['uid-y']);
  });

  it('rule: an app that needs AAL3 refuses an authenticator app code without using it up', async () => {
    const { email, secret } = await withApp();
    const provider = fakeProvider();
    h.setNow(later(60_000));
    const code = codeAt(secret, later(60_000));
    await expect(signInWithTotp(h.service.ctx, provider, 'uid-3', { email, code })).rejects.toThrow('This app needs a smartcard or an iPad (very high assurance)');
    provider.requiredAalOf = () => Promise.resolve({ aal: 2, clientName: 'App' });
    await signInWithTotp(h.service.ctx, provider, 'uid-2', { email, code });
    expect(provider.finished.map((f) => f.uid)).toEqual(['uid-2']);
  });

  it('rule: an RA manager sets up the app for someone in scope; it is theirs', async () => {
    const ram = await raManager(h, orgs.trustA.id);
    const person = await actor(h.db, orgs.siteA1.id, [], 'Person');
    const setUp = await h.call('POST', `/v1/users/${person.uuid}/authenticators/totp-enrolments`, { token: ram.token });
    const confirm = await h.call('POST', `/v1/users/${person.uuid}/authenticators/totp-enrolments/${setUp.body.enrolmentId}/confirm`, { token: ram.token, json: { code: codeAt(setUp.body.secret, NOW) } });
    expect(confirm.status).toBe(201);
    expect(await apps(person.userId)).toHaveLength(1);
  });
});
