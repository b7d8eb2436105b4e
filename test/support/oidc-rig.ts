import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { OidcClientMetadata } from '../../src-shared/api/oidc.js';
import { startService, type RunningService, type StartServiceOptions } from '../../src-service/start-service.js';
import { finishSignIn, type SignedInWho } from '../../src-service/oidc/finish-sign-in.js';
import { addOrg, addPosition, addUser, assign, sessionFor, testStorage } from './service-fixtures.js';

// A relying party built on openid-client, driving the provider the way a browser would (fetch
// with a cookie jar, redirects followed by hand), with finishSignIn standing in for the sign-in
// page; and a back-channel logout endpoint that verifies each logout token against the JWKS.

export const SECRET = 'a-relying-party-secret-of-at-least-32-characters';

/** A browser's cookies for the service: enough for the provider's cookies (one host, paths ignored). */
export class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';', 1);
      const eq = (pair as string).indexOf('=');
      const name = (pair as string).slice(0, eq).trim();
      const value = (pair as string).slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }
}

export interface App {
  readonly clientId: string;
  readonly redirectUri: string;
  config: oidc.Configuration;
}

export interface LogoutReceived {
  readonly clientId: string;
  readonly payload: JWTPayload;
  readonly header: { typ?: string; kid?: string };
  /** When the request arrived (performance.now()). */
  readonly at: number;
}

/** A back-channel logout endpoint for every app of a test: verifies each token, then answers. */
export class BackchannelEndpoint {
  readonly received: LogoutReceived[] = [];
  /** While true, the app is "down": it answers 503 and keeps nothing. */
  down = false;
  private server!: Server;
  private jwks!: ReturnType<typeof createRemoteJWKSet>;
  url = '';
  private waiters: (() => void)[] = [];

  async start(issuer: () => string): Promise<void> {
    this.server = createServer((req, res) => {
      const arrived = performance.now();
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        if (this.down) {
          res.statusCode = 503;
          res.end();
          return;
        }
        const clientId = (req.url ?? '/').slice(1);
        const token = new URLSearchParams(body).get('logout_token') ?? '';
        this.jwks ??= createRemoteJWKSet(new URL(`${issuer()}/jwks`));
        jwtVerify(token, this.jwks, { issuer: issuer(), audience: clientId, typ: 'logout+jwt' }).then(
          ({ payload, protectedHeader }) => {
            this.received.push({ clientId, payload, header: protectedHeader, at: arrived });
            res.statusCode = 200;
            res.end();
            for (const w of this.waiters.splice(0)) w();
          },
          () => {
            res.statusCode = 400;
            res.end();
          },
        );
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://localhost:${(this.server.address() as AddressInfo).port}`;
  }

  /** Waits until `count` tokens arrived (or `ms` passed). */
  async until(count: number, ms = 8_000): Promise<LogoutReceived[]> {
    const deadline = Date.now() + ms;
    while (this.received.length < count && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return this.received;
  }

  close(): Promise<void> {
    // The service's keep-alive connections would hold the close open.
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export function appMetadata(clientId: string, backchannel: BackchannelEndpoint | null, extra: Partial<OidcClientMetadata> = {}): OidcClientMetadata {
  return {
    client_id: clientId,
    client_secret: SECRET,
    client_name: `App ${clientId}`,
    redirect_uris: [`http://localhost:9/${clientId}/callback`],
    post_logout_redirect_uris: [`http://localhost:9/${clientId}/signed-out`],
    ...(backchannel ? { backchannel_logout_uri: `${backchannel.url}/${clientId}` } : {}),
    ...extra,
  };
}

export interface Rig {
  readonly service: RunningService;
  readonly backchannel: BackchannelEndpoint;
  readonly orgId: number;
  app(clientId: string): Promise<App>;
  close(): Promise<void>;
}

/**
 * A service with the given apps registered in its configuration (their back-channel endpoint is
 * the rig's), started on loopback so its issuer is http://localhost:<port>/oidc.
 */
export async function startRig(apps: { clientId: string; extra?: Partial<OidcClientMetadata>; backchannel?: boolean }[], options: StartServiceOptions = {}): Promise<Rig> {
  const backchannel = new BackchannelEndpoint();
  let issuer = '';
  await backchannel.start(() => issuer);
  const service = await startService({
    ...testStorage('oidc-'),
    oidcClients: apps.map((a) => appMetadata(a.clientId, a.backchannel === false ? null : backchannel, a.extra)),
    ...options,
  });
  issuer = service.ctx.oidcIssuer;
  const org = await addOrg(service.ctx.db, { code: 'RZZ', name: 'Training NHS Trust' });
  return {
    service,
    backchannel,
    orgId: org.id,
    async app(clientId) {
      const config = await oidc.discovery(new URL(issuer), clientId, SECRET, undefined, { execute: [oidc.allowInsecureRequests] });
      return { clientId, redirectUri: `http://localhost:9/${clientId}/callback`, config };
    },
    async close() {
      await service.close();
      await backchannel.close();
    },
  };
}

/** A clinician with a position and, when `card`, a live workstation session (its id for finishSignIn). */
export async function clinician(
  rig: Rig,
  name = 'Amelia Hart',
  roles: ('RAM' | 'RAA' | 'S')[] = [],
  ttlMs = 3_600_000,
): Promise<{ userId: number; uuid: string; positionId: number; sessionId: number; token: string; cardUuid: string }> {
  const db = rig.service.ctx.db;
  const [given, family] = name.split(' ') as [string, string];
  const user = await addUser(db, { given, family, homeOrgId: rig.orgId });
  const positionId = await addPosition(db, { orgId: rig.orgId, title: 'Staff Nurse', roles });
  await assign(db, user.id, positionId);
  const token = await sessionFor(db, user.id, positionId, ttlMs);
  const session = await db
    .selectFrom('sessions as s')
    .innerJoin('cards as c', 'c.id', 's.card_id')
    .select(['s.id as id', 'c.uuid as cardUuid'])
    .where('s.user_id', '=', user.id)
    .orderBy('s.id', 'desc')
    .executeTakeFirstOrThrow();
  return { userId: user.id, uuid: user.uuid, positionId, sessionId: session.id, token, cardUuid: session.cardUuid };
}

/** Follows redirects within the service (with the jar) until one leaves it; returns that URL. */
async function follow(rig: Rig, jar: CookieJar, start: string): Promise<URL> {
  let url = new URL(start, rig.service.ctx.publicOrigin);
  for (let hops = 0; hops < 10; hops++) {
    if (url.origin !== rig.service.ctx.publicOrigin || url.pathname.startsWith('/oidc/interaction/')) return url;
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(response);
    const location = response.headers.get('location');
    if (!location) throw new Error(`${url.pathname} answered ${response.status}: ${await response.text()}`);
    url = new URL(location, url);
  }
  throw new Error('too many redirects');
}

export interface SignInOutcome {
  readonly tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
  readonly claims: oidc.IDToken;
}

/**
 * An app's sign-in as a browser with `jar` makes it: to the provider; if it shows the sign-in
 * page, `who` finishes it (finishSignIn); back to the app with a code, exchanged with PKCE.
 */
export async function signIn(rig: Rig, app: App, jar: CookieJar, who: SignedInWho | null, params: Record<string, string> = {}): Promise<SignInOutcome> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const authUrl = oidc.buildAuthorizationUrl(app.config, {
    redirect_uri: app.redirectUri,
    scope: 'openid profile care',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    ...params,
  });
  let at = await follow(rig, jar, authUrl.href);
  if (at.pathname.startsWith('/oidc/interaction/')) {
    if (!who) throw new Error('the provider asked for a sign-in');
    const uid = at.pathname.split('/').pop() as string;
    const { redirectTo } = await finishSignIn(rig.service.ctx, uid, who);
    at = await follow(rig, jar, redirectTo);
  }
  const tokens = await oidc.authorizationCodeGrant(app.config, at, { pkceCodeVerifier: verifier, expectedState: state });
  return { tokens, claims: tokens.claims() as oidc.IDToken };
}

/** Where the provider sends a browser asking `app` to sign in: the sign-in page's uid, or the app with a code. */
export async function startSignIn(rig: Rig, app: App, jar: CookieJar, params: Record<string, string> = {}): Promise<URL> {
  const authUrl = oidc.buildAuthorizationUrl(app.config, {
    redirect_uri: app.redirectUri,
    scope: 'openid',
    code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()),
    code_challenge_method: 'S256',
    ...params,
  });
  return follow(rig, jar, authUrl.href);
}

