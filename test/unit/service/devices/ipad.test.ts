import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIpadSignIn, ipadSignInState } from '../../../../src-service/devices/ipad-sign-in.js';
import { registerDevice, signInWithDevice } from '../../../../src-device/device-client.js';
import { deviceKeyFile, loadDeviceKey } from '../../../../src-device/device-key.js';
import { auditRows } from '../../../support/service-fixtures.js';
import { NOW, startHarness, tableCounts, type Harness, type Orgs } from '../cim/cim-harness.js';
import { deviceDir, fakeProvider, personAt, raManager, registrationLink } from './ipad-support.js';

// The iPad app (NHS CIS2 app): an RA's one-time QR link, valid five minutes, registers the
// device's key (with the reference device client); one iPad per person; the device signs in to an
// app's sign-in at AAL3 through a one-time sign-in link the page polls.

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

/** The reference device's command line, as `npm run device -- <args>` runs it. */
function runDevice(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('npx', ['tsx', 'src-device/device-cli.ts', ...args], (err, stdout, stderr) => {
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr });
    });
  });
}

const liveIpads = (userId: number) =>
  h.db.selectFrom('authenticators').select(['uuid', 'kind', 'aal', 'label', 'credential_id', 'removed_at', 'removed_by']).where('user_id', '=', userId).where('kind', '=', 'ipad').orderBy('id').execute();

describe('registering an iPad', () => {
  it('rule: an RA manager generates a QR code whose link, shown as text too, registers the iPad at AAL3 and is audited', async () => {
    const ram = await raManager(h, orgs.trustA.id);
    const person = await personAt(h, orgs.siteA1.id);
    const res = await h.call('POST', `/v1/users/${person.uuid}/authenticators/ipad-enrolments`, { token: ram.token });
    expect(res.status).toBe(201);
    expect(res.body.link).toMatch(new RegExp(`^${h.service.ctx.publicOrigin}/device/ipad/register#[A-Za-z0-9_-]{43}$`));
    expect(res.body.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(res.body.expiresAt).toBe(new Date(NOW.getTime() + 5 * 60_000).toISOString());

    const dir = deviceDir();
    const done = await registerDevice(res.body.link, dir, "Amelia's iPad");
    expect(done).toMatchObject({ about: 'Amelia Hart', replaced: false });
    const ipads = await liveIpads(person.id);
    expect(ipads).toEqual([expect.objectContaining({ kind: 'ipad', aal: 3, label: "iPad (Amelia's iPad)", credential_id: done.keyId, removed_at: null })]);
    expect(statSync(deviceKeyFile(dir)).mode & 0o777).toBe(0o600);
    const added = (await auditRows(h.db)).filter((r) => r.action === 'authenticator.added' && r.subject === person.uuid);
    expect(added).toHaveLength(1);
    expect(added[0]?.actor).toBe(ram.uuid);
    expect(JSON.parse(added[0]?.details ?? '{}')).toMatchObject({ kind: 'ipad', aal: 3, authenticatorUuid: ipads[0]?.uuid });
  });

  it('rule: the QR link is for one use: a second registration with it is refused and changes nothing', async () => {
    const ram = await raManager(h, orgs.trustA.id);
    const person = await personAt(h, orgs.siteA1.id);
    const link = await registrationLink(h, ram.token, person.uuid);
    await registerDevice(link, deviceDir());
    const before = await tableCounts(h.db);
    await expect(registerDevice(link, deviceDir())).rejects.toThrow('This QR code has already been used. Generate a new one.');
    expect(await tableCounts(h.db)).toEqual(before);
    expect(await liveIpads(person.id)).toHaveLength(1);
  });

  it('rule: the QR link works for 5 minutes, then "This QR code has expired. Generate a new one."', async () => {
    const ram = await raManager(h, orgs.trustA.id);
    const person = await personAt(h, orgs.siteA1.id);
    const other = await personAt(h, orgs.siteA1.id);
    const early = await registrationLink(h, ram.token, person.uuid);
    const late = await registrationLink(h, ram.token, other.uuid);
    h.setNow(new Date(NOW.getTime() + 5 * 60_000 - 1));
    await registerDevice(early, deviceDir());
    h.setNow(new Date(NOW.getTime() + 5 * 60_000));
    await expect(registerDevice(late, deviceDir())).rejects.toThrow('This QR code has expired. Generate a new one.');
    expect(await liveIpads(other.id)).toEqual([]);
  });

  it('rule: generating a new QR code voids the one before it', async () => {
    const ram = await raManager(h, orgs.trustA.id);
    const person = await personAt(h, orgs.siteA1.id);
    const first = await registrationLink(h, ram.token, person.uuid);
    const second = await registrationLink(h, ram.token, person.uuid);
    await expect(registerDevice(first, deviceDir())).rejects.toThrow('This QR code has expired. Generate a new one.');
    await registerDevice(second, deviceDir());
    expect(await liveIpads(person.id)).toHaveLength(1);
  });

  it('rule: one iPad per person: registering another replaces the earlier binding, audited as removed, and the old key no longer signs in', async () => {
    const ram = await raManager(h, orgs.trustA.id);
    const person = await personAt(h, orgs.siteA1.id);
    const oldDir = deviceDir();
    const first = await registerDevice(await registrationLink(h, ram.token, person.uuid), oldDir);
    const second = await registerDevice(await registrationLink(h, ram.token, person.uuid), deviceDir(), 'New iPad');
    expect(second.replaced).toBe(true);
    const ipads = await liveIpads(person.id);
    expect(ipads.map((i) => [i.credential_id, i.removed_at !== null, i.removed_by])).toEqual([
      [first.keyId, true, ram.userId],
      [second.keyId, false, null],
    ]);
    const removed = (await auditRows(h.db)).filter((r) => r.action === 'authenticator.removed' && r.subject === person.uuid);
    expect(removed.map((r) => JSON.parse(r.details) as unknown)).toEqual([expect.objectContaining({ kind: 'ipad', authenticatorUuid: ipads[0]?.uuid, reason: 'replaced by a new iPad registration' })]);

    const provider = fakeProvider();
    const signIn = await createIpadSignIn(h.service.ctx, provider, 'uid-old-key');
    await expect(signInWithDevice(signIn.link, oldDir)).rejects.toThrow('This iPad is not registered to anyone. Ask your Registration Authority to register it.');
  });

  it('rule: a device signature that does not verify registers nothing', async () => {
    const ram = await raManager(h, orgs.trustA.id);
    const person = await personAt(h, orgs.siteA1.id);
    const link = await registrationLink(h, ram.token, person.uuid);
    const token = link.split('#')[1];
    const challenge = await h.call('POST', '/v1/devices/ipad/registration-challenge', { json: { token } });
    expect(challenge.status).toBe(200);
    const before = await tableCounts(h.db);
    const res = await h.call('POST', '/v1/devices/ipad/registrations', {
      json: { token, deviceName: 'iPad', signature: 'A'.repeat(86), publicKey: { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' } },
    });
    expect({ status: res.status, fields: res.body.fields }).toEqual({ status: 400, fields: [{ path: 'body.signature', message: 'does not verify' }] });
    expect(await tableCounts(h.db)).toEqual(before);
  });

  it('rule: `npm run device -- register <link>` registers the device and says whose it is; its key file is 0600', async () => {
    const ram = await raManager(h, orgs.trustA.id);
    const person = await personAt(h, orgs.siteA1.id);
    const dir = deviceDir();
    const run = await runDevice(['register', await registrationLink(h, ram.token, person.uuid), '--dir', dir, '--name', 'Ward iPad']);
    expect(run).toEqual({ code: 0, stdout: 'This device is registered to Amelia Hart.\n', stderr: '' });
    expect(statSync(deviceKeyFile(dir)).mode & 0o777).toBe(0o600);
    expect((await liveIpads(person.id)).map((i) => [i.label, i.credential_id])).toEqual([['iPad (Ward iPad)', loadDeviceKey(dir).keyId]]);
  }, 30_000);
});

describe('signing in with the iPad', () => {
  async function registered() {
    const ram = await raManager(h, orgs.trustA.id);
    const person = await personAt(h, orgs.siteA1.id);
    const dir = deviceDir();
    const { keyId } = await registerDevice(await registrationLink(h, ram.token, person.uuid), dir);
    const ipad = await h.db.selectFrom('authenticators').select('id').where('credential_id', '=', keyId).executeTakeFirstOrThrow();
    return { person, dir, authenticatorId: ipad.id };
  }

  it('rule: the page waits until the device signs its link, then its next poll finishes the sign-in at AAL3 as an iPad', async () => {
    const { person, dir, authenticatorId } = await registered();
    const provider = fakeProvider('Training clinical app');
    const link = await createIpadSignIn(h.service.ctx, provider, 'uid-1');
    expect(link.link).toMatch(new RegExp(`^${h.service.ctx.publicOrigin}/device/ipad/sign-in#[A-Za-z0-9_-]{43}$`));
    expect(link.qrSvg).toContain('<svg');
    expect(await ipadSignInState(h.service.ctx, provider, 'uid-1', link.pollToken)).toEqual({ state: 'waiting' });
    expect(provider.finished).toEqual([]);

    expect(await signInWithDevice(link.link, dir)).toEqual({ app: 'Training clinical app', as: 'Amelia Hart' });
    expect(await ipadSignInState(h.service.ctx, provider, 'uid-1', link.pollToken)).toEqual({ state: 'signed-in', redirectTo: '/oidc/interaction/uid-1/done' });
    expect(provider.finished).toEqual([{ uid: 'uid-1', who: { userId: person.id, aal: 3, kind: 'ipad', authenticatorId } }]);
    const used = await h.db.selectFrom('authenticators').select('last_used_at').where('id', '=', authenticatorId).executeTakeFirstOrThrow();
    expect(used.last_used_at).toBe(NOW.toISOString());
  });

  it('rule: a sign-in link is for one use and its sign-in finishes once', async () => {
    const { dir } = await registered();
    const provider = fakeProvider();
    const link = await createIpadSignIn(h.service.ctx, provider, 'uid-2');
    await signInWithDevice(link.link, dir);
    await expect(signInWithDevice(link.link, dir)).rejects.toThrow('This sign-in QR code has already been used. Start signing in again.');
    await ipadSignInState(h.service.ctx, provider, 'uid-2', link.pollToken);
    await expect(ipadSignInState(h.service.ctx, provider, 'uid-2', link.pollToken)).rejects.toThrow('This sign-in has already finished.');
    expect(provider.finished).toHaveLength(1);
  });

  it('rule: the poll answers only the page that asked for the link (its poll token and its interaction)', async () => {
    const { dir } = await registered();
    const provider = fakeProvider();
    const link = await createIpadSignIn(h.service.ctx, provider, 'uid-3');
    await signInWithDevice(link.link, dir);
    const other = await createIpadSignIn(h.service.ctx, provider, 'uid-4');
    await expect(ipadSignInState(h.service.ctx, provider, 'uid-4', link.pollToken)).rejects.toThrow('That sign-in was not found. Start signing in again.');
    expect(await ipadSignInState(h.service.ctx, provider, 'uid-4', other.pollToken)).toEqual({ state: 'waiting' });
    expect(provider.finished).toEqual([]);
  });

  it('rule: a sign-in link expires after 5 minutes: the device is refused and the page is told', async () => {
    const { dir } = await registered();
    const provider = fakeProvider();
    const link = await createIpadSignIn(h.service.ctx, provider, 'uid-5');
    h.setNow(new Date(NOW.getTime() + 5 * 60_000));
    await expect(signInWithDevice(link.link, dir)).rejects.toThrow('This sign-in QR code has expired. Start signing in again.');
    expect(await ipadSignInState(h.service.ctx, provider, 'uid-5', link.pollToken)).toEqual({ state: 'expired' });
    expect(provider.finished).toEqual([]);
  });

  it('rule: `npm run device -- sign-in <link>` signs in with the registered key', async () => {
    const { person, dir } = await registered();
    const provider = fakeProvider('Training clinical app');
    const link = await createIpadSignIn(h.service.ctx, provider, 'uid-6');
    expect(await runDevice(['sign-in', link.link, '--dir', dir])).toEqual({ code: 0, stdout: 'Signed in to Training clinical app as Amelia Hart.\n', stderr: '' });
    await ipadSignInState(h.service.ctx, provider, 'uid-6', link.pollToken);
    expect(provider.finished.map((f) => f.who.userId)).toEqual([person.id]);
  }, 30_000);

  it('rule: a device never registered cannot sign in', async () => {
    const provider = fakeProvider();
    const link = await createIpadSignIn(h.service.ctx, provider, 'uid-7');
    await expect(signInWithDevice(link.link, deviceDir())).rejects.toThrow('This device is not registered. Ask your Registration Authority for a registration QR code.');
  });
});
