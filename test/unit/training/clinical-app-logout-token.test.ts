import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppSessions } from '../../../src-main/training/clinical-app/clinical-app-sessions.js';
import { LogoutTokenRefused, LogoutTokenVerifier } from '../../../src-main/training/clinical-app/logout-token.js';

// The training clinical app believes a logout token only when the provider's keys signed it
// for this app, with the back-channel event, and only once (Back-Channel Logout 1.0, 2.6).

const ISSUER = 'http://localhost:1/oidc';
const CLIENT_ID = 'training-clinical-app';
const EVENT = { 'http://schemas.openid.net/event/backchannel-logout': {} };

let server: Server;
let jwksUri: string;
let providerKey: CryptoKey;
let strangerKey: CryptoKey;

beforeAll(async () => {
  const provider = await generateKeyPair('ES256');
  providerKey = provider.privateKey;
  strangerKey = (await generateKeyPair('ES256')).privateKey;
  const jwk: JWK = { ...(await exportJWK(provider.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface TokenParts {
  readonly key?: CryptoKey;
  readonly claims?: Record<string, unknown>;
  readonly issuer?: string;
  readonly audience?: string;
}

let jtiCounter = 0;
function logoutToken({ key = providerKey, claims = {}, issuer = ISSUER, audience = CLIENT_ID }: TokenParts = {}): Promise<string> {
  jtiCounter += 1;
  return new SignJWT({ events: EVENT, sid: 'sid-1', jti: `jti-${jtiCounter}`, ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'logout+jwt' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject('user-uuid')
    .setIssuedAt()
    .sign(key);
}

const verifier = (): LogoutTokenVerifier => new LogoutTokenVerifier(ISSUER, jwksUri, CLIENT_ID);

describe('training clinical app: back-channel logout token', () => {
  it('rule: a token the provider signed for this app ends the app sessions of that sid, and no others', async () => {
    const sessions = new AppSessions();
    const mine = sessions.create().session;
    const other = sessions.create().session;
    const user = { sub: 'user-uuid', idToken: 'x', name: 'Amelia Hart', position: undefined, organisation: undefined, acr: 'AAL3_ANY', amr: ['SCARD'], userinfo: {} };
    mine.user = { ...user, sid: 'sid-1' };
    other.user = { ...user, sid: 'sid-2' };
    const claims = await verifier().verify(await logoutToken());
    expect(claims).toMatchObject({ sid: 'sid-1', sub: 'user-uuid' });
    expect(sessions.endByLogoutToken(claims, new Date())).toBe(1);
    expect(mine.user).toBeUndefined();
    expect(mine.signedOut?.by).toBe('back-channel');
    expect(other.user?.sid).toBe('sid-2');
  });

  it('rule: a token signed with any other key is refused', async () => {
    await expect(verifier().verify(await logoutToken({ key: strangerKey }))).rejects.toBeInstanceOf(LogoutTokenRefused);
  });

  it('rule: a token for another app or from another issuer is refused', async () => {
    await expect(verifier().verify(await logoutToken({ audience: 'another-app' }))).rejects.toThrow(/aud/);
    await expect(verifier().verify(await logoutToken({ issuer: 'http://localhost:2/oidc' }))).rejects.toThrow(/iss/);
  });

  it('rule: a token without the back-channel logout event, or with a nonce, is refused', async () => {
    await expect(verifier().verify(await logoutToken({ claims: { events: {} } }))).rejects.toThrow('no back-channel logout event');
    await expect(verifier().verify(await logoutToken({ claims: { nonce: 'n' } }))).rejects.toThrow('must not carry a nonce');
  });

  it('rule: the same token twice is refused the second time (no replay)', async () => {
    const v = verifier();
    const token = await logoutToken();
    await v.verify(token);
    await expect(v.verify(token)).rejects.toThrow('already used');
  });
});
