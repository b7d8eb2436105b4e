import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceClient } from '../../../src-main/service-client/service-client.js';
import { ServiceProtocolError, ServiceRefusedError, ServiceUnreachableError } from '../../../src-main/service-client/service-client-errors.js';
import { startServiceRig, type ServiceRig } from '../agent/support/agent-rig.js';

// The service client: answers are checked against the shared contracts, and failures come out
// as one of three kinds the agent acts on: unreachable (retry), refused (say the service's
// words), or not understood (a fault). Error messages never carry the token.

let rig: ServiceRig;
let odd: Server;
let oddUrl: string;
const TOKEN = 'A'.repeat(43);
/** What the stand-in server was sent on its /record path: method, URL and body. */
const recorded: { method: string; url: string; body: string }[] = [];

beforeAll(async () => {
  rig = await startServiceRig();
  // A server that is not the identity service, answering per path.
  odd = createServer((req, res) => {
    if (req.url === '/hang/v1/health') return; // never answers
    if (req.url?.startsWith('/record')) {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        recorded.push({ method: req.method ?? '', url: req.url ?? '', body });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"results":[],"truncated":false}');
      });
      return;
    }
    if (req.url?.startsWith('/gateway')) return void res.writeHead(503, { 'content-type': 'text/html' }).end('<h1>Service Unavailable</h1>');
    if (req.url?.startsWith('/html')) return void res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>hello</h1>');
    if (req.url?.startsWith('/shape')) return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"nonce":"x"}');
    if (req.url?.startsWith('/busy')) return void res.writeHead(429, { 'content-type': 'text/html', 'retry-after': '60' }).end('<h1>Too Many Requests</h1>');
    if (req.url?.startsWith('/teapot')) return void res.writeHead(418).end('no');
    res.writeHead(302, { location: 'http://example.invalid/' }).end();
  });
  await new Promise<void>((r) => odd.listen(0, '127.0.0.1', r));
  oddUrl = `http://127.0.0.1:${(odd.address() as AddressInfo).port}`;
});
afterAll(async () => {
  odd.closeAllConnections();
  await new Promise((r) => odd.close(r));
  await rig.close();
});

const failureOf = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);

describe('service client', () => {
  it('a well-formed answer is returned as the contract types it', async () => {
    const client = new ServiceClient(`${rig.service.url}/`);
    await client.health();
    const challenge = await client.challenge('ws-client-test');
    expect(challenge.serviceOrigin).toBe(rig.service.url);
    expect(Buffer.from(challenge.nonce, 'base64url')).toHaveLength(32);
  });

  it('nothing listening is unreachable; so is a gateway 503, a redirect and an answer that never comes', async () => {
    const closed = new ServiceClient('http://127.0.0.1:9');
    expect(await failureOf(closed.health())).toBeInstanceOf(ServiceUnreachableError);
    expect(await failureOf(new ServiceClient(`${oddUrl}/gateway`).health())).toBeInstanceOf(ServiceUnreachableError);
    expect(await failureOf(new ServiceClient(`${oddUrl}/elsewhere`).health())).toBeInstanceOf(ServiceUnreachableError);
    const hanging = await failureOf(new ServiceClient(`${oddUrl}/hang`, { timeoutMs: 200 }).health());
    expect(hanging).toBeInstanceOf(ServiceUnreachableError);
  });

  it('rule: a proxy refusing with 429 in its own words is still "too many requests, try again", never a fault', async () => {
    const err = await failureOf(new ServiceClient(`${oddUrl}/busy`).challenge('ws-client-test'));
    expect(err).toBeInstanceOf(ServiceRefusedError);
    expect(err).toMatchObject({ status: 429, code: 'rate-limited', message: expect.stringMatching(/busy just now\. Try again/) });
  });

  it('rule: names and NI numbers travel in the request body, never in the URL', async () => {
    const client = new ServiceClient(`${oddUrl}/record`);
    await client.findUsers(TOKEN, { name: "O'Brien", niNumber: 'AB123456C', onlyMyOrganisations: true });
    const sent = recorded.at(-1);
    expect(sent?.method).toBe('POST');
    expect(sent?.url).toBe('/record/v1/users/search');
    expect(JSON.parse(sent?.body ?? '{}')).toEqual({ name: "O'Brien", niNumber: 'AB123456C', onlyMyOrganisations: true });
  });

  it("a refusal carries the service's status, code and message, and never the token", async () => {
    const client = new ServiceClient(rig.service.url);
    const err = await failureOf(client.session(TOKEN));
    expect(err).toBeInstanceOf(ServiceRefusedError);
    expect(err).toMatchObject({ status: 401, code: 'unauthenticated', message: 'Your session has ended. Sign in with your smartcard again.' });
    expect(String((err as Error).message)).not.toContain(TOKEN);
    const bad = await failureOf(client.challenge('bad id!'));
    expect(bad).toMatchObject({ status: 400, code: 'bad-request', fields: [expect.objectContaining({ path: 'body.workstationId' })] });
  });

  it('an answer outside the contract (HTML, a wrong shape, an unknown error body) is not understood, whatever its status', async () => {
    expect(await failureOf(new ServiceClient(`${oddUrl}/html`).health())).toBeInstanceOf(ServiceProtocolError);
    expect(await failureOf(new ServiceClient(`${oddUrl}/shape`).challenge('ws-1'))).toBeInstanceOf(ServiceProtocolError);
    expect(await failureOf(new ServiceClient(`${oddUrl}/teapot`).profile(TOKEN, '00000000-0000-4000-8000-000000000000'))).toBeInstanceOf(ServiceProtocolError);
  });
});
