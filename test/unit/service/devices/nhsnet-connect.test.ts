import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../../../src-service/start-service.js';
import { CookieJar } from '../../../support/oidc-rig.js';
import { actor, addOrg, addUser, auditRows, proofHeaders, testStorage } from '../../../support/service-fixtures.js';
import { browserOf, CLIENTS, REDIRECT_URI } from '../sign-in/sign-in-rig.js';

// NHS.net Connect against a second OpenID provider this test runs as the upstream: an RA's
// one-time link sends the person to sign in upstream and the callback links their upstream
// subject to the profile (AAL2, audited); the sign-in page's button goes upstream and back, and
// the app's sign-in finishes as that profile at AAL2. An unlinked account is refused.

const SECRET = 'an-upstream-client-secret-of-at-least-32-characters';
let upstreamServer: Server;
let upstreamIssuer: string;
let service: RunningService;
/** Who the upstream provider signs in next (its login screen, played by the test). */
let nextAccount = 'alice@nhs.net';

beforeAll(async () => {
  upstreamServer = createServer();
  await new Promise<void>((resolve) => upstreamServer.listen(0, '127.0.0.1', resolve));
  upstreamIssuer = `http://127.0.0.1:${(upstreamServer.address() as AddressInfo).port}`;
  service = await startService({ ...testStorage('cis-nhsnet-'), host: '127.0.0.1', port: 0, oidcClients: CLIENTS, nhsnetConnect: { issuer: upstreamIssuer, clientId: 'care-identity', clientSecret: SECRET } });
  const provider = new Provider(upstreamIssuer, {
    clients: [{ client_id: 'care-identity', client_secret: SECRET, redirect_uris: [`${service.ctx.publicOrigin}/nhsnet/callback`] }],
    findAccount: (_ctx, id) => ({ accountId: id, claims: () => ({ sub: id }) }),
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
  });
  const callback = provider.callback();
  upstreamServer.on('request', (req, res) => {
    if (/^\/interaction\/[^/?]+$/.test(req.url ?? '')) {
      void (async () => {
        const details = await provider.interactionDetails(req, res);
        const grant = new provider.Grant({ accountId: nextAccount, clientId: String(details.params.client_id) });
        grant.addOIDCScope('openid');
        await provider.interactionFinished(req, res, { login: { accountId: nextAccount }, consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: false });
      })();
      return;
    }
    void callback(req, res);
  });
});
afterAll(async () => {
  await service.close();
  await new Promise((resolve) => upstreamServer.close(resolve));
});

/** A browser: one cookie jar per host, following redirects until `until` (or a page). */
async function browse(start: string, until: (url: string) => boolean, jars = new Map<string, CookieJar>()): Promise<{ url: string; status: number; text: string }> {
  let url = start;
  for (let hop = 0; hop < 15; hop++) {
    if (until(url)) return { url, status: 0, text: '' };
    const host = new URL(url).host;
    const jar = jars.get(host) ?? new CookieJar();
    jars.set(host, jar);
    const response = await fetch(url, { headers: { cookie: jar.header() }, redirect: 'manual' });
    jar.take(response);
    const location = response.headers.get('location');
    if (!location) return { url, status: response.status, text: await response.text() };
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects');
}

async function linkAccount(account: string): Promise<{ person: { id: number; uuid: string }; page: { status: number; text: string } }> {
  const db = service.ctx.db;
  const org = await addOrg(db, { code: `RN${Math.floor(Math.random() * 1e6)}`, name: 'NHS.net Trust', kind: 'trust', parentId: null });
  const ram = await actor(db, org.id, ['RAM'], 'Manager');
  const person = await addUser(db, { given: 'Alice', family: 'Jones', homeOrgId: org.id });
  const path = `/v1/users/${person.uuid}/authenticator-enrolments`;
  const started = await fetch(`${service.url}${path}`, { method: 'POST', headers: { ...(await proofHeaders(service, 'POST', path, ram.token)), 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'nhsnet-connect' }) });
  expect(started.status).toBe(201);
  const { link } = (await started.json()) as { link: string };
  nextAccount = account;
  const page = await browse(link, () => false);
  return { person, page };
}

describe('NHS.net Connect', () => {
  it('rule: the link sends the person to sign in upstream once; the callback links that account to the profile at AAL2, audited', async () => {
    const { person, page } = await linkAccount('alice@nhs.net');
    expect(page.status).toBe(200);
    expect(page.text).toContain('NHS.net Connect is linked');
    const linked = await service.ctx.db.selectFrom('authenticators').select(['kind', 'aal', 'subject', 'uuid']).where('user_id', '=', person.id).execute();
    expect(linked).toEqual([expect.objectContaining({ kind: 'nhsnet-connect', aal: 2, subject: `${upstreamIssuer} alice@nhs.net` })]);
    const added = (await auditRows(service.ctx.db)).filter((r) => r.action === 'authenticator.added' && r.subject === person.uuid);
    expect(added.map((r) => JSON.parse(r.details) as unknown)).toEqual([{ kind: 'nhsnet-connect', authenticatorUuid: linked[0]?.uuid, aal: 2 }]);
  });

  it('rule: an AAL2 app offers NHS.net Connect; upstream and back, the app gets a code and the sign-in is AAL2 as the linked profile', async () => {
    const { person } = await linkAccount('bob@nhs.net');
    const browser = browserOf(service);
    const begun = await browser.begin('rota-app');
    const page = await browser.page(begun.uid, begun.cookie);
    expect(page.html).toContain('Sign in with NHS.net Connect');
    const jars = new Map<string, CookieJar>();
    const ours = new CookieJar();
    ours.take(new Response(null, { headers: begun.cookie.split('; ').map((c) => ['set-cookie', c] as [string, string]) }));
    jars.set(new URL(service.ctx.publicOrigin).host, ours);
    nextAccount = 'bob@nhs.net';
    const landed = await browse(`${service.ctx.publicOrigin}/nhsnet/sign-in/${begun.uid}`, (url) => url.startsWith(REDIRECT_URI), jars);
    expect(landed.url.startsWith(`${REDIRECT_URI}?code=`)).toBe(true);
    const record = await service.ctx.db.selectFrom('oidc_sign_ins').select(['acr', 'amr']).where('user_id', '=', person.id).executeTakeFirstOrThrow();
    expect({ acr: record.acr, amr: JSON.parse(record.amr) as unknown }).toEqual({ acr: 'AAL2_OR_AAL3_ANY', amr: ['NHSMAIL'] });
  });

  it('rule: an NHS.net account not linked to a profile cannot sign in; an AAL3 app does not offer it', async () => {
    const browser = browserOf(service);
    const begun = await browser.begin('rota-app');
    const jars = new Map<string, CookieJar>();
    nextAccount = 'stranger@nhs.net';
    const refused = await browse(`${service.ctx.publicOrigin}/nhsnet/sign-in/${begun.uid}`, (url) => url.startsWith(REDIRECT_URI), jars);
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('This NHS.net account is not linked to a Care Identity profile.');
    const aal3 = await browser.begin('ward-app');
    expect((await browser.page(aal3.uid, aal3.cookie)).html).not.toContain('NHS.net Connect');
  });
});
