import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { OidcClientMetadata } from '../../../../src-shared/api/oidc.js';
import { SERVICE_ENDPOINTS } from '../../../../src-shared/api/service-endpoints.js';
import { startService, type RunningService } from '../../../../src-service/start-service.js';
import { proofHeaders, testStorage } from '../../../support/service-fixtures.js';

// A running service with relying parties, a settable clock, and the browser's side of a sign-in:
// the app sends the browser to the provider, which sets the interaction's cookie and sends it on
// to the sign-in page. (Not a test file: vitest only collects *.test.ts.)

export const REDIRECT_URI = 'http://localhost:5999/callback';

export const CLIENTS: OidcClientMetadata[] = [
  { client_id: 'ward-app', client_name: 'Ward Rounds <Beta> & Co', redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none', default_acr_values: ['AAL3_ANY'] },
  { client_id: 'rota-app', client_name: 'Staff Rota', redirect_uris: [REDIRECT_URI], token_endpoint_auth_method: 'none', default_acr_values: ['AAL2_OR_AAL3_ANY'] },
];

interface BrowserSignIn {
  readonly uid: string;
  /** The Cookie header the browser sends back to the provider (the interaction's cookies). */
  readonly cookie: string;
}

/** A browser's side of signing in to an app at `service`. */
export interface SignInBrowser {
  /** The app sends the browser to the provider; the browser arrives at the sign-in page's address. */
  begin(clientId: string, acrValues?: string): Promise<BrowserSignIn>;
  /** The sign-in page as that browser gets it. */
  page(uid: string, cookie?: string): Promise<{ status: number; headers: Headers; html: string }>;
  /** The page's ticket, as its script reads it. */
  ticketOf(html: string): string;
  /** The browser follows `redirectTo` with its cookies until it reaches the app (or gives up): where it ended. */
  follow(redirectTo: string, cookie: string): Promise<string>;
}

export interface SignInRig extends SignInBrowser {
  readonly service: RunningService;
  /** Moves the service's clock by `ms` from the real one (0: back to real time). */
  shiftClock(ms: number): void;
  /** The agent's call: redeem the ticket with session `token`. */
  redeem(token: string | undefined, body: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

const cookiesOf = (response: Response): string[] => response.headers.getSetCookie().map((c) => c.split(';', 1)[0] as string);

export function browserOf(service: RunningService): SignInBrowser {
  const origin = service.ctx.publicOrigin;
  return {
    begin: async (clientId, acrValues) => {
      const verifier = randomBytes(32).toString('base64url');
      const query = new URLSearchParams({
        client_id: clientId,
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        scope: 'openid',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'),
        code_challenge_method: 'S256',
        state: randomBytes(8).toString('hex'),
        ...(acrValues ? { acr_values: acrValues } : {}),
      });
      const response = await fetch(`${origin}/oidc/auth?${query.toString()}`, { redirect: 'manual' });
      expect(response.status, await response.clone().text()).toBeGreaterThanOrEqual(300);
      const location = new URL(response.headers.get('location') as string, origin);
      const uid = /\/oidc\/interaction\/([^/?]+)$/.exec(location.pathname)?.[1];
      expect(uid, location.href).toBeDefined();
      return { uid: uid as string, cookie: cookiesOf(response).join('; ') };
    },
    page: async (uid, cookie) => {
      const response = await fetch(`${origin}/oidc/interaction/${uid}`, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
      return { status: response.status, headers: response.headers, html: await response.text() };
    },
    ticketOf: (html) => {
      const ticket = /data-ticket="([A-Za-z0-9_-]+)"/.exec(html)?.[1];
      expect(ticket, 'the page carries a ticket').toBeDefined();
      return ticket as string;
    },
    follow: async (redirectTo, cookie) => {
      let url = new URL(redirectTo, origin).href;
      let cookies = cookie;
      for (let hop = 0; hop < 6 && !url.startsWith(REDIRECT_URI); hop++) {
        const response = await fetch(url, { headers: { cookie: cookies }, redirect: 'manual' });
        const location = response.headers.get('location');
        if (!location) break;
        const set = cookiesOf(response);
        if (set.length > 0) cookies = [cookies, ...set].join('; ');
        url = new URL(location, url).href;
      }
      return url;
    },
  };
}

export async function startSignInRig(): Promise<SignInRig> {
  let shift = 0;
  const service = await startService({ ...testStorage('cis-sign-in-'), host: '127.0.0.1', port: 0, now: () => new Date(Date.now() + shift), oidcClients: CLIENTS });
  return {
    ...browserOf(service),
    service,
    shiftClock: (ms) => {
      shift = ms;
    },
    redeem: async (token, body) => {
      const path = SERVICE_ENDPOINTS.smartcardSignIn.path;
      const headers = token === undefined ? {} : await proofHeaders(service, 'POST', path, token);
      const response = await fetch(`${service.url}${path}`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    close: () => service.close(),
  };
}
