import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { identityServiceUrl } from '../../../../src-main/launch/identity-service-url.js';
import { publicOriginOf } from '../../../../src-service/start-service.js';
import { CookieJar, SECRET, startRig, startSignIn, type Rig } from '../../../support/oidc-rig.js';

// The provider under /oidc of the service's HTTP server: the service's Host check and request
// limits still stand in front of it, while its bodies, pages and JSON errors are its own; the
// sign-in page beside it; the issuer the agent prints.

let rig: Rig;
beforeAll(async () => {
  rig = await startRig([{ clientId: 'ward-app' }]);
});
afterAll(() => rig.close());

function withHost(path: string, host: string): Promise<number> {
  const url = new URL(rig.service.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('rule: the provider is mounted at /oidc behind the service checks, answering in its own protocol', () => {
  it('a Host the service does not answer to is refused (421) before the provider sees it', async () => {
    const port = new URL(rig.service.url).port;
    expect(await withHost('/oidc/.well-known/openid-configuration', `evil.example:${port}`)).toBe(421);
    expect(await withHost('/oidc/.well-known/openid-configuration', `localhost:${port}`)).toBe(200);
  });

  it('a form-encoded token request reaches the provider whole, and its errors are OAuth JSON (not the service shape)', async () => {
    const response = await fetch(`${rig.service.ctx.oidcIssuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`ward-app:${SECRET}`).toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'not-a-code', redirect_uri: 'http://localhost:9/ward-app/callback', code_verifier: 'x'.repeat(43) }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
    const wrongSecret = await fetch(`${rig.service.ctx.oidcIssuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('ward-app:wrong').toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x', redirect_uri: 'http://localhost:9/ward-app/callback' }),
    });
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toMatchObject({ error: 'invalid_client' });
  });

  it('an unknown app gets the provider error page in words, with a strict CSP', async () => {
    const response = await fetch(`${rig.service.ctx.oidcIssuer}/auth?client_id=nobody&response_type=code&scope=openid&redirect_uri=http://localhost:9/x`);
    expect(response.status).toBe(400);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(await response.text()).toContain('The app that sent you here is not registered with this identity service.');
  });

  it('the sign-in page for an interaction is served at /oidc/interaction/:uid and names the app', async () => {
    const jar = new CookieJar();
    const page = await startSignIn(rig, await rig.app('ward-app'), jar);
    const response = await fetch(page, { headers: { cookie: jar.header() } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const text = await response.text();
    expect(text).toContain('<h1 class="nhsuk-heading-l">Sign in</h1>');
    expect(text).toContain('App ward-app');
    expect((await fetch(`${rig.service.ctx.publicOrigin}/oidc/interaction/unknown`)).status).toBe(404);
  });
});

describe('rule: the issuer is <public origin>/oidc, localhost for a service on loopback', () => {
  it('loopback without a configured origin: http://localhost:<port>; a configured origin wins', () => {
    expect(publicOriginOf(undefined, { address: '127.0.0.1', family: 'IPv4', port: 4100 }, 'http://127.0.0.1:4100')).toBe('http://localhost:4100');
    expect(publicOriginOf('https://cis.example.nhs.uk/some/path', { address: '127.0.0.1', family: 'IPv4', port: 4100 }, 'http://127.0.0.1:4100')).toBe('https://cis.example.nhs.uk');
    expect(publicOriginOf(undefined, { address: '10.0.0.4', family: 'IPv4', port: 443 }, 'http://10.0.0.4:443')).toBe('http://10.0.0.4:443');
  });

  it('the agent learns the issuer of a remote service from its discovery document, else <service>/oidc', async () => {
    expect(await identityServiceUrl(rig.service.url)).toBe(rig.service.ctx.oidcIssuer);
    expect(await identityServiceUrl('http://127.0.0.1:9/')).toBe('http://127.0.0.1:9/oidc');
    expect(await identityServiceUrl('http://ignored', 'http://localhost:5/oidc')).toBe('http://localhost:5/oidc');
  });
});
