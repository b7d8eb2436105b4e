import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { pathParamNames, type Endpoint } from '../../../../src-shared/api/endpoint.js';
import { SERVICE_ENDPOINTS } from '../../../../src-shared/api/service-endpoints.js';
import { ServiceClient } from '../../../../src-main/service-client/service-client.js';
import { buildApp } from '../../../../src-service/http/app.js';
import { AUTHENTICATOR_PAGE_ROUTES } from '../../../../src-service/authenticators/authenticator-pages.js';
import { NHSNET_PAGE_ROUTES } from '../../../../src-service/devices/nhsnet-pages.js';
import { APPLICANT_PAGE_ROUTES } from '../../../../src-service/apply/applicant-routes.js';
import { OIDC_MOUNT } from '../../../../src-service/oidc/oidc-runtime.js';
import { SIGN_IN_ASSETS } from '../../../../src-service/sign-in/sign-in-assets.js';
import { SIGN_IN_PAGE_PATH } from '../../../../src-service/sign-in/sign-in-routes.js';
import { startHarness, type Harness } from '../cim/cim-harness.js';

// Each endpoint is declared once (src-shared/api/service-endpoints.ts). The service serves
// exactly the table, the OpenAPI document lists exactly the table, and the agent's client calls
// nothing that is not in it: a method or path written anywhere else would show here.

const TABLE: readonly Endpoint[] = Object.values(SERVICE_ENDPOINTS);
const named = (e: Pick<Endpoint, 'method' | 'path'>): string => `${e.method} ${e.path}`;
/** The service's own document, served beside the endpoints and not one of them. */
const DOCUMENT_ROUTE = 'GET /openapi.json';
/** Pages (and what they load) the service serves to a browser: not API calls, so not in the table. */
const PAGE_ROUTES: readonly string[] = [
  ...AUTHENTICATOR_PAGE_ROUTES,
  ...NHSNET_PAGE_ROUTES,
  ...APPLICANT_PAGE_ROUTES,
  `GET ${SIGN_IN_PAGE_PATH}`,
  ...Object.values(SIGN_IN_ASSETS).map((path) => `GET ${path}`),
  // The OpenID Connect provider's own routes, handed to it whole (oidc-mount.ts).
  ...['DELETE', 'GET', 'OPTIONS', 'PATCH', 'POST', 'PUT'].flatMap((method) => [`${method} ${OIDC_MOUNT}`, `${method} ${OIDC_MOUNT}*`]),
];

/** Every method+path the app serves, read back from Fastify's route tree (HEAD is Fastify's own twin of GET). */
function servedRoutes(app: FastifyInstance): string[] {
  const served: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (\S+)(?: \(([^)]+)\))?$/.exec(line);
    if (!m) continue;
    const depth = (m[1] as string).length / 4;
    stack.length = depth;
    stack.push(m[2] as string);
    for (const method of (m[3] ?? '').split(', ').filter((x) => x && x !== 'HEAD')) served.push(`${method} ${stack.join('')}`);
  }
  return served;
}

let h: Harness;
let app: FastifyInstance;
beforeAll(async () => {
  h = await startHarness();
  app = buildApp(h.service.ctx);
  await app.ready();
});
afterAll(async () => {
  await app.close();
  await h.close();
});

describe('one contract per endpoint', () => {
  it('rule: each path names exactly the parameters its params schema validates', () => {
    for (const e of TABLE) {
      const shape = e.params instanceof z.ZodObject ? Object.keys(e.params.shape) : [];
      expect(pathParamNames(e.path).sort(), named(e)).toEqual(shape.sort());
    }
  });

  it('rule: the service serves every endpoint of the table with its method and path exactly once, and nothing else', () => {
    for (const e of TABLE) expect(app.hasRoute({ method: e.method, url: e.path }), named(e)).toBe(true);
    const served = servedRoutes(app);
    // A scan that found nothing would prove nothing.
    expect(served.length).toBeGreaterThan(25);
    expect(served.sort()).toEqual([...TABLE.map(named), DOCUMENT_ROUTE, ...PAGE_ROUTES].sort());
  });

  it('rule: the OpenAPI document lists exactly the endpoints of the table, each with its summary, tag, success status and session', async () => {
    const res = await h.call('GET', '/openapi.json');
    type Operation = { summary: string; tags: string[]; security?: unknown; responses: Record<string, { content?: Record<string, unknown> }> };
    const paths = res.body.paths as Record<string, Record<string, Operation>>;
    const documented = Object.entries(paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{([A-Za-z]+)\}/g, ':$1')}`));
    expect(documented.sort()).toEqual(TABLE.map(named).sort());
    for (const e of TABLE) {
      const op = paths[e.path.replace(/:([A-Za-z]+)/g, '{$1}')]?.[e.method.toLowerCase()];
      expect(op?.summary, named(e)).toBe(e.summary);
      expect(op?.tags, named(e)).toEqual([e.tag]);
      expect(op?.security !== undefined, named(e)).toBe(e.auth === 'session');
      expect(Object.keys(op?.responses ?? {}), named(e)).toContain(String(e.status ?? 200));
      // A CSV export is documented as text/csv, everything else as JSON.
      expect(Object.keys(op?.responses[String(e.status ?? 200)]?.content ?? {}), named(e)).toEqual([e.produces ?? 'application/json']);
    }
  });
  it('rule: an endpoint that answers bytes (the revocation list) is documented as bytes of its media type and served with exactly that type', async () => {
    const binary = TABLE.filter((e) => e.produces === 'application/pkix-crl');
    expect(binary.map(named)).toEqual(['GET /v1/ca/crl']);
    const paths = (await h.call('GET', '/openapi.json')).body.paths as Record<string, Record<string, { responses: Record<string, { content: Record<string, { schema: unknown }> }> }>>;
    for (const e of binary) {
      expect(paths[e.path]?.get?.responses['200']?.content['application/pkix-crl']?.schema, named(e)).toEqual({ type: 'string', contentMediaType: 'application/pkix-crl' });
      const res = await fetch(`${h.url}${e.path}`);
      expect(res.headers.get('content-type'), named(e)).toBe('application/pkix-crl');
      // DER: a SEQUENCE, never JSON text.
      expect(new Uint8Array(await res.arrayBuffer())[0], named(e)).toBe(0x30);
    }
  });
});

describe("the agent's service client calls only the table's endpoints", () => {
  const TOKEN = 'A'.repeat(43);
  const UUID = '00000000-0000-4000-8000-000000000001';
  /** An id with characters a path must encode: it stays one path segment. */
  const ID = 'id/with space';
  const BYTES = new Uint8Array([1, 2, 3]);
  /** A blank card, as the agent reads it. */
  const READOUT = { serial: 1, chuidUuid: null, certificateSerial: null, factoryManagementKey: true, hasAuthenticationKey: false, attestationCertificate: null, version: null };
  /** One call of every public method of the client. A new method fails the first assertion until it is listed here. */
  const CALLS: Record<string, unknown[]> = {
    health: [],
    challenge: ['ws-1'],
    verify: [{ nonce: 'n', workstationId: 'ws-1' }],
    openSession: ['ticket', 1],
    session: [TOKEN],
    logout: [TOKEN],
    findUsers: [TOKEN, { name: 'Ann', onlyMyOrganisations: false }],
    profile: [TOKEN, UUID],
    contactChallenge: [TOKEN, { email: 'ann@nhs.net' }],
    changeOwnContact: [TOKEN, { email: 'ann@nhs.net', nonce: 'n', signature: 'AA==' }],
    selfUnlock: [{ workstationId: 'ws-1', cardUuid: UUID, certificate: 'AA==', cardProof: { exchangeId: 'e', cardResponse: 'AA==' } }],
    unlockCode: [ID, 'ws-1', '123456'],
    inspectCard: [TOKEN, { cardUuid: UUID, certificate: 'AA==' }],
    sponsorUnlock: [TOKEN, { cardUuid: UUID, certificate: 'AA==' }],
    cardWitness: [ID, 'ws-1', BYTES],
    cardProofWitness: [UUID, 'ws-1', BYTES],
    releasePuk: [ID, 'ws-1', 'e', BYTES],
    commitUnlock: [ID, 'ws-1'],
    openSelfRenewal: [TOKEN],
    openSponsorRenewal: [TOKEN, { cardUuid: UUID, certificate: 'AA==' }],
    recoverRenewal: ['ws-1', UUID, { exchangeId: 'e', cardResponse: 'AA==' }],
    renewalWitness: [ID, 'ws-1', BYTES],
    renewalAuthenticate: [ID, 'ws-1', 'e', BYTES],
    renewalCertificate: [ID, 'ws-1', Buffer.from(BYTES), { attestation: null, oldKeySignature: null }],
    confirmRenewal: [ID, 'ws-1'],
    openCardIssue: [TOKEN, UUID, { workstationId: 'ws-1', algorithm: 'p256', card: READOUT }],
    openCardRepair: [TOKEN, UUID, 'ws-1', READOUT],
    openCardClear: [TOKEN, UUID, 'ws-1', READOUT],
    cancelSmartcard: [TOKEN, UUID, { reason: 'lost' }],
    cardOperationWitness: [TOKEN, ID, 'ws-1', BYTES],
    cardOperationAuthenticate: [TOKEN, ID, 'ws-1', 'e', BYTES],
    issueCardCertificate: [TOKEN, ID, 'ws-1', Buffer.from(BYTES), null],
    personaliseCard: [TOKEN, ID, 'ws-1'],
    confirmCardIssue: [TOKEN, ID, 'ws-1'],
    cardRepaired: [TOKEN, ID, 'ws-1', ['chuid'], true],
    cardCleared: [TOKEN, ID, 'ws-1', READOUT],
    abandonCardOperation: [TOKEN, ID, 'ws-1', 'failed'],
    // A call the renderer asked for: any viaAgent endpoint, with the session.
    callForRenderer: [SERVICE_ENDPOINTS.positionRequests, { query: { status: 'pending' } }, TOKEN],
    exportReport: [TOKEN, 'users-positions', { days: '30' }],
    signIns: [TOKEN],
    signOutOfApp: [TOKEN, 7],
    smartcardSignIn: [TOKEN, { uid: 'interaction-uid', ticket: 'ticket' }],
  };
  /** The client's own machinery, not calls. */
  const NOT_CALLS = new Set(['constructor', 'origin', 'call', 'headersFor', 'learnServiceClock']);

  it('rule: every request the client makes is an endpoint of the table, with a session exactly when the table says', async () => {
    expect(Object.getOwnPropertyNames(ServiceClient.prototype).filter((n) => !NOT_CALLS.has(n)).sort()).toEqual(Object.keys(CALLS).sort());
    const sent: { method: string; url: URL; headers: Headers }[] = [];
    vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
      sent.push({ method: init.method ?? 'GET', url: new URL(url), headers: new Headers(init.headers) });
      return Promise.resolve(new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } }));
    });
    try {
      const client = new ServiceClient('http://service.test');
      const methods = client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      for (const [name, args] of Object.entries(CALLS)) await (methods[name] as (...a: unknown[]) => Promise<unknown>)(...args).catch(() => undefined);
    } finally {
      vi.unstubAllGlobals();
    }
    expect(sent).toHaveLength(Object.keys(CALLS).length);
    for (const request of sent) {
      const matches = TABLE.filter((e) => e.method === request.method && new RegExp(`^${e.path.replace(/:[A-Za-z]+/g, '[^/]+')}$`).test(request.url.pathname));
      expect(matches.map(named), `${request.method} ${request.url.pathname}`).toHaveLength(1);
      expect(request.headers.has('authorization'), `${request.method} ${request.url.pathname}`).toBe(matches[0]?.auth === 'session');
    }
    // A path parameter is encoded: it never adds a segment.
    expect(sent.map((r) => r.url.pathname)).toContain('/v1/unlock/id%2Fwith%20space/code');
  });

  it('rule: the client writes no method or path of its own', () => {
    const dir = join(process.cwd(), 'src-main', 'service-client');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(join(dir, file), 'utf8');
      expect(source, file).not.toMatch(/['"`]\/v1\//);
      expect(source, file).not.toMatch(/['"`](GET|POST|PUT|PATCH|DELETE)['"`]/);
    }
  });
});
