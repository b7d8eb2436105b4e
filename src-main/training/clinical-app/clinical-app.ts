import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as client from 'openid-client';
import { minimumAalOf, type Acr, type OidcClientMetadata } from '../../../src-shared/api/oidc.js';
import { nhsukCssText } from '../../../src-service/sign-in/sign-in-assets.js';
import { appPage, errorPage } from './clinical-app-pages.js';
import { AppSessions, type AppSession } from './clinical-app-sessions.js';
import { describeUser } from './describe-user.js';
import { LogoutTokenRefused, LogoutTokenVerifier } from './logout-token.js';

// A relying party of the identity service, built on openid-client the way a clinical system
// would be: discovery, authorization code with PKCE, state and nonce, token, ID token checks
// (including the assurance it asked for), userinfo, RP-initiated logout, and a back-channel
// logout endpoint that believes only a logout token signed with the provider's keys. Training
// runs it on its own loopback port so a trainee sees single sign-on: signed in to the Identity
// Agent by card, "Sign in" here goes straight through; the card out, this page says so.

export interface ClinicalAppOptions {
  readonly clientId: string;
  readonly name: string;
  /** What this app asks for (`acr_values`) and registers as its `default_acr_values`. */
  readonly acr: Acr;
  /** Scopes beyond `openid`. */
  readonly scopes?: readonly string[];
  /** 0 (the default) picks a free port. */
  readonly port?: number;
}

export interface BackchannelLogoutReceived {
  readonly sid: string | undefined;
  readonly sub: string | undefined;
  /** performance.now() when the token had been verified. */
  readonly at: number;
  /** How many of the app's own sessions it ended. */
  readonly ended: number;
}

export interface ClinicalApp {
  /** http://localhost:<port> */
  readonly url: string;
  readonly name: string;
  /** The registration the identity service needs (with a secret made for this run). */
  readonly metadata: OidcClientMetadata;
  /** Where the app finds the provider; discovery happens on first use. */
  useIssuer(issuer: string): void;
  /** Told of every logout token the back-channel endpoint accepted. */
  onBackchannelLogout(listener: (event: BackchannelLogoutReceived) => void): () => void;
  close(): Promise<void>;
}

const ASSURANCE_IN_WORDS: Readonly<Record<Acr, string>> = {
  AAL3_ANY: 'a very high assurance sign-in (AAL3_ANY: a smartcard, or an authenticator as strong)',
  AAL2_OR_AAL3_ANY: 'a high or very high assurance sign-in (AAL2_OR_AAL3_ANY)',
  AAL2_ANY: 'a high assurance sign-in (AAL2_ANY)',
};

const LOOPBACK = '127.0.0.1';
const MAX_FORM_BYTES = 64 * 1024;

export async function startClinicalApp(options: ClinicalAppOptions): Promise<ClinicalApp> {
  const sessions = new AppSessions();
  const listeners = new Set<(event: BackchannelLogoutReceived) => void>();
  const cookieName = `rp_${options.clientId.replace(/[^A-Za-z0-9]/g, '_')}`;
  const clientSecret = randomBytes(32).toString('base64url');
  let issuer: string | undefined;
  let provider: Promise<{ config: client.Configuration; verifier: LogoutTokenVerifier }> | undefined;
  let url = '';

  const discover = (): Promise<{ config: client.Configuration; verifier: LogoutTokenVerifier }> => {
    if (issuer === undefined) return Promise.reject(new Error('the identity service is not known yet'));
    const at = issuer;
    provider ??= (async () => {
      const config = await client.discovery(new URL(at), options.clientId, { client_secret: clientSecret }, client.ClientSecretBasic(clientSecret), {
        execute: [client.allowInsecureRequests],
      });
      const jwksUri = config.serverMetadata().jwks_uri;
      if (!jwksUri) throw new Error('the identity service publishes no jwks_uri');
      return { config, verifier: new LogoutTokenVerifier(config.serverMetadata().issuer, jwksUri, options.clientId) };
    })();
    // A failed discovery (service still starting) is tried again next time.
    provider.catch(() => (provider = undefined));
    return provider;
  };

  const sessionOf = (req: IncomingMessage): AppSession | undefined => sessions.get(readCookie(req, cookieName));
  const redirectUri = (): string => `${url}/callback`;
  const pageFacts = { appName: options.name, assuranceAsked: ASSURANCE_IN_WORDS[options.acr] };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const here = new URL(req.url ?? '/', url);
    const route = `${req.method ?? 'GET'} ${here.pathname}`;
    switch (route) {
      case 'GET /':
        return send(res, 200, appPage(pageFacts, takeProblem(sessionOf(req))), issuerOrigin(issuer));
      case 'GET /nhsuk.css':
        return sendCss(res, nhsukCssText());
      case 'POST /sign-in': {
        if (!sameOrigin(req, url)) return send(res, 403, errorPage(options.name, 'Sign in from this app’s own page.'));
        const { config } = await discover();
        const pending = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
        const { id, session } = sessions.create();
        session.pending = pending;
        const target = client.buildAuthorizationUrl(config, {
          redirect_uri: redirectUri(),
          scope: ['openid', ...(options.scopes ?? [])].join(' '),
          state: pending.state,
          nonce: pending.nonce,
          code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
          code_challenge_method: 'S256',
          acr_values: options.acr,
        });
        return redirect(res, target.href, { [cookieName]: id });
      }
      case 'GET /callback': {
        const session = sessionOf(req);
        const pending = session?.pending;
        if (!session || !pending) return send(res, 400, errorPage(options.name, 'This sign-in was not started here, or has already finished. Start again.'));
        delete session.pending;
        if (here.searchParams.has('error')) {
          session.problem = `The identity service did not sign you in: ${here.searchParams.get('error_description') ?? here.searchParams.get('error') ?? ''}`;
          return redirect(res, '/');
        }
        const { config } = await discover();
        const tokens = await client.authorizationCodeGrant(config, here, {
          pkceCodeVerifier: pending.codeVerifier,
          expectedState: pending.state,
          expectedNonce: pending.nonce,
          idTokenExpected: true,
        });
        const claims = tokens.claims();
        if (!claims) throw new Error('the token response had no ID token');
        const acr = typeof claims.acr === 'string' ? claims.acr : '(none)';
        const reached = minimumAalOf(acr);
        const needed = minimumAalOf(options.acr);
        if (reached === null || needed === null || reached < needed) {
          session.problem = `${options.name} needs ${options.acr}; the identity service signed you in at ${acr}.`;
          return redirect(res, '/');
        }
        const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
        delete session.signedOut;
        session.user = {
          sub: claims.sub,
          sid: typeof claims['sid'] === 'string' ? claims['sid'] : undefined,
          idToken: tokens.id_token ?? '',
          acr,
          amr: Array.isArray(claims.amr) ? claims.amr.map(String) : [],
          userinfo,
          ...describeUser({ ...claims, ...userinfo }),
        };
        return redirect(res, '/');
      }
      case 'POST /sign-out': {
        if (!sameOrigin(req, url)) return send(res, 403, errorPage(options.name, 'Sign out from this app’s own page.'));
        const session = sessionOf(req);
        const user = session?.user;
        if (!session || !user) return redirect(res, '/');
        delete session.user;
        session.signedOut = { at: new Date(), by: 'user' };
        const { config } = await discover();
        return redirect(res, client.buildEndSessionUrl(config, { id_token_hint: user.idToken, post_logout_redirect_uri: `${url}/` }).href);
      }
      case 'POST /backchannel-logout':
        return backchannelLogout(req, res);
      default:
        return send(res, 404, errorPage(options.name, 'There is no page here.'));
    }
  };

  const backchannelLogout = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const form = new URLSearchParams(await readBody(req));
    const token = form.get('logout_token');
    if (!token) return sendJson(res, 400, { error: 'invalid_request', error_description: 'logout_token is missing' });
    const { verifier } = await discover();
    let claims;
    try {
      claims = await verifier.verify(token);
    } catch (err) {
      if (!(err instanceof LogoutTokenRefused)) throw err;
      return sendJson(res, 400, { error: 'invalid_request', error_description: err.message });
    }
    const ended = sessions.endByLogoutToken(claims, new Date());
    const event = { sid: claims.sid, sub: claims.sub, at: performance.now(), ended };
    for (const listener of [...listeners]) listener(event);
    return sendJson(res, 200, {});
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error(`${options.name}: ${(err as Error).message}`);
      if (!res.headersSent) send(res, 500, errorPage(options.name, 'Something went wrong talking to the identity service. Try again.'));
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, LOOPBACK, () => resolve());
  });
  // `localhost`, the same host name as the identity service's issuer: the browser then treats
  // both as loopback and cookies are per host, so each app's cookie has its own name.
  url = `http://localhost:${(server.address() as AddressInfo).port}`;

  return {
    url,
    name: options.name,
    metadata: {
      client_id: options.clientId,
      client_secret: clientSecret,
      client_name: options.name,
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: [`${url}/callback`],
      post_logout_redirect_uris: [`${url}/`],
      backchannel_logout_uri: `${url}/backchannel-logout`,
      backchannel_logout_session_required: true,
      default_acr_values: [options.acr],
    },
    useIssuer(next) {
      if (next !== issuer) provider = undefined;
      issuer = next;
    },
    onBackchannelLogout(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function takeProblem(session: AppSession | undefined): AppSession | undefined {
  if (!session?.problem) return session;
  const shown = { ...session };
  delete session.problem;
  return shown;
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** A form post from another site could start or end a sign-in here; browsers send Origin on every POST. */
function sameOrigin(req: IncomingMessage, url: string): boolean {
  return req.headers.origin === url;
}

function issuerOrigin(issuer: string | undefined): string | undefined {
  return issuer === undefined ? undefined : new URL(issuer).origin;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        reject(new Error('the request body is too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const BASE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // Not no-referrer: under it the browser sends `Origin: null` with the app's own form posts,
  // and the origin check on them could not tell them from another site's.
  'referrer-policy': 'same-origin',
  'cache-control': 'no-store',
};

/** Forms post to the app itself, whose answers then redirect to the identity service. */
function csp(formTargets: string | undefined): string {
  return [
    "default-src 'none'",
    "style-src 'self'",
    `form-action 'self'${formTargets ? ` ${formTargets}` : ''}`,
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function send(res: ServerResponse, status: number, html: string, formTargets?: string): void {
  res.writeHead(status, { ...BASE_HEADERS, 'content-type': 'text/html; charset=utf-8', 'content-security-policy': csp(formTargets) });
  res.end(html);
}

function sendCss(res: ServerResponse, css: string): void {
  res.writeHead(200, { ...BASE_HEADERS, 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' });
  res.end(css);
}

function sendJson(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { ...BASE_HEADERS, 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function redirect(res: ServerResponse, location: string, cookies: Record<string, string> = {}): void {
  const setCookie = Object.entries(cookies).map(([name, value]) => `${name}=${value}; Path=/; HttpOnly; SameSite=Lax`);
  res.writeHead(303, { ...BASE_HEADERS, location, ...(setCookie.length > 0 ? { 'set-cookie': setCookie } : {}) });
  res.end();
}
