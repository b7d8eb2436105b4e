import Fastify, { type FastifyInstance } from 'fastify';
import { jwtVerify } from 'jose';
import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeCard } from '../../src-service/ca/card-factory.js';
import { notifyClientFor, notifySmsSender } from '../../src-service/notify/gov-notify.js';
import { readOutbox } from '../../src-service/notify/outbox.js';
import { startService, type RunningService } from '../../src-service/start-service.js';
import { withCardProof } from '../support/card-proof.js';
import { addOrg, addPosition, addUser, assign, tempDbFile } from '../support/service-fixtures.js';

// Self-service unlock through GOV.UK Notify, with its official Node client, against a local peer
// on loopback that checks each request as Notify's API does: POST /v2/notifications/sms or
// /email, a bearer JWT signed HS256 with the API key's secret part and naming the service id as
// its issuer, and the JSON body (number or address, template, personalisation, reference). The
// test reads the code from what the peer received and enters it. No smartcard reader is used.

const SERVICE_ID = '8b3b3a7c-2f0e-4c59-9a1e-3f2d6c1b0a99';
const KEY_SECRET = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
const API_KEY = `care-identity-test-${SERVICE_ID}-${KEY_SECRET}`;
const SMS_TEMPLATE = '11111111-2222-4333-8444-555555555555';
const EMAIL_TEMPLATE = '66666666-7777-4888-9999-aaaaaaaaaaaa';
const NOTICE_SMS_TEMPLATE = 'bbbbbbbb-cccc-4ddd-8eee-ffffffffffff';

interface Received {
  readonly path: string;
  readonly issuer: unknown;
  readonly body: Record<string, unknown>;
}

let peer: FastifyInstance;
let peerUrl: string;
let service: RunningService;
let dbFile: string;
const received: Received[] = [];
/** The status the peer answers with next (Notify's 400 for a bad number, for instance). */
let answer = 201;

beforeAll(async () => {
  peer = Fastify({ logger: false });
  for (const type of ['sms', 'email'] as const) {
    peer.post(`/v2/notifications/${type}`, async (request, reply) => {
      const token = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      let issuer: unknown;
      try {
        const verified = await jwtVerify(token ?? '', new TextEncoder().encode(KEY_SECRET), {
          algorithms: ['HS256'],
          issuer: SERVICE_ID,
          // Notify accepts tokens issued within 30 seconds either way of its clock.
          maxTokenAge: 30,
          clockTolerance: 30,
        });
        issuer = verified.payload.iss;
      } catch {
        return reply.code(403).send({ status_code: 403, errors: [{ error: 'AuthError', message: 'Invalid token: signature, api token not found' }] });
      }
      const body = request.body as Record<string, unknown>;
      received.push({ path: request.url, issuer, body });
      if (answer !== 201) return reply.code(answer).send({ status_code: answer, errors: [{ error: 'BadRequestError', message: `Can't send to this recipient using a team-only API key` }] });
      return reply.code(201).send({ id: '740e5834-3a29-46b4-9a6f-16142fde533a', reference: body.reference ?? null, content: { body: 'sent' }, uri: 'x', template: { id: body.template_id, version: 1, uri: 'x' } });
    });
  }
  await peer.listen({ host: '127.0.0.1', port: 0 });
  peerUrl = `http://127.0.0.1:${(peer.server.address() as AddressInfo).port}`;
  dbFile = tempDbFile('cis-unlock-notify-');
  service = await startService({
    dbFile,
    host: '127.0.0.1',
    port: 0,
    notifyApiKey: API_KEY,
    notifySmsTemplateId: SMS_TEMPLATE,
    notifyEmailTemplateId: EMAIL_TEMPLATE,
    notifyBaseUrl: peerUrl,
  });
});

afterAll(async () => {
  await service?.close();
  await peer?.close();
  if (dbFile) rmSync(dirname(dbFile), { recursive: true, force: true });
});

beforeEach(() => {
  answer = 201;
});

async function post(path: string, json: unknown): Promise<{ status: number; body: any; text: string }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${service.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), text };
}

let people = 0;
/** A holder with a made card, and the request for a code with the card's own proof, as the agent sends it. */
async function holderCard(contact: { email?: string; mobile?: string }) {
  const db = service.ctx.db;
  const org = await addOrg(db, { code: `NTF${++people}`, name: `Notify Test Trust ${people}` });
  const user = await addUser(db, { given: 'Mary', family: 'Seacole', homeOrgId: org.id, ...contact });
  await assign(db, user.id, await addPosition(db, { orgId: org.id, title: 'Staff Nurse' }));
  const card = await makeCard(service.ctx, { userUuid: user.uuid, algorithm: 'p256' });
  return withCardProof(service, { workstationId: 'ws-notify-1', cardUuid: card.cardUuid, certificate: card.certificate.der.toString('base64') });
}

describe('self-service unlock through GOV.UK Notify', () => {
  it('rule: the security code is texted through Notify (signed request, template, personalisation, reference), and that code unlocks', async () => {
    const request = await holderCard({ mobile: '07700900461' });
    const sent = await post('/v1/unlock/self', request);
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ channel: 'sms', sentTo: '•••••••461' });

    const got = received.at(-1) as Received;
    expect(got.path).toBe('/v2/notifications/sms');
    expect(got.issuer).toBe(SERVICE_ID);
    expect(got.body).toEqual({
      phone_number: '07700900461',
      template_id: SMS_TEMPLATE,
      personalisation: { code: expect.stringMatching(/^\d{6}$/), minutes: '15' },
      reference: expect.stringMatching(/^unlock-\d+$/),
    });
    // It went to Notify, not to the outbox; the reference is not the code.
    expect(await readOutbox(service.ctx.db, 10)).toEqual([]);
    const code = (got.body.personalisation as { code: string }).code;
    expect(got.body.reference).not.toContain(code);

    const entered = await post(`/v1/unlock/${sent.body.unlockId}/code`, { workstationId: 'ws-notify-1', code });
    expect(entered.status).toBe(200);
    expect(entered.body).toEqual({ accepted: true });
  });

  it('rule: email goes through Notify too when its email template is set', async () => {
    const sent = await post('/v1/unlock/self', await holderCard({ email: 'mary.seacole@nhs.net' }));
    expect(sent.status).toBe(200);
    const got = received.at(-1) as Received;
    expect(got.path).toBe('/v2/notifications/email');
    expect(got.issuer).toBe(SERVICE_ID);
    expect(got.body).toEqual({
      email_address: 'mary.seacole@nhs.net',
      template_id: EMAIL_TEMPLATE,
      personalisation: { subject: 'Your smartcard security code', code: expect.stringMatching(/^\d{6}$/), minutes: '15' },
      reference: expect.stringMatching(/^unlock-\d+$/),
    });
  });

  it('rule: a Notify refusal is "could not be sent" (503), naming neither the code nor the API key', async () => {
    answer = 400;
    const request = await holderCard({ mobile: '07700900462' });
    const sent = await post('/v1/unlock/self', request);
    expect(sent.status).toBe(503);
    expect(sent.body.message).toMatch(/could not be sent by text message/);
    const code = ((received.at(-1) as Received).body.personalisation as { code: string }).code;
    for (const secret of [code, API_KEY, KEY_SECRET, '07700900462']) expect(sent.text).not.toContain(secret);

    // The sender's own error, which a caller might log, names neither either.
    const error = await notifySmsSender(notifyClientFor({ notifyApiKey: API_KEY, notifyBaseUrl: peerUrl }), { 'unlock-code': SMS_TEMPLATE, 'contact-changed': undefined })
      .send({ to: '07700900462', text: 'Your security code is 123456.', fields: { code: '123456', minutes: '15' } })
      .then(() => new Error('sent'), (err: unknown) => err as Error);
    expect(error.message).toBe('The text message could not be sent: GOV.UK Notify refused it (HTTP 400).');
    expect(JSON.stringify(error, Object.getOwnPropertyNames(error))).not.toMatch(/123456|Bearer|0f1e2d3c/);
  });

  it('rule: a request signed with another key is refused by Notify, and said only as could not be sent', async () => {
    const wrongKey = `care-identity-test-${SERVICE_ID}-00000000-0000-4000-8000-000000000000`;
    const error = await notifySmsSender(notifyClientFor({ notifyApiKey: wrongKey, notifyBaseUrl: peerUrl }), { 'unlock-code': SMS_TEMPLATE, 'contact-changed': undefined })
      .send({ to: '07700900463', text: 'Your security code is 654321.', fields: { code: '654321', minutes: '15' } })
      .then(() => new Error('sent'), (err: unknown) => err as Error);
    expect(error.message).toBe('The text message could not be sent: GOV.UK Notify refused it (HTTP 403).');
  });
  it('rule: a contact-change notice goes out through its own Notify template, never the security-code one', async () => {
    const client = notifyClientFor({ notifyApiKey: API_KEY, notifyBaseUrl: peerUrl });
    answer = 201;
    const before = received.length;
    const notice = { to: '07700900464', text: 'The mobile number on your Care Identity profile was changed.', kind: 'contact-changed' as const };
    await notifySmsSender(client, { 'unlock-code': SMS_TEMPLATE, 'contact-changed': NOTICE_SMS_TEMPLATE }).send(notice);
    const sent = received.at(-1) as Received;
    expect(received.length).toBe(before + 1);
    expect(sent.body).toMatchObject({ phone_number: '07700900464', template_id: NOTICE_SMS_TEMPLATE, personalisation: { body: notice.text } });

    // Without a notice template it is not sent at all: the code template would read as a code with none in it.
    const error = await notifySmsSender(client, { 'unlock-code': SMS_TEMPLATE, 'contact-changed': undefined })
      .send(notice)
      .then(() => new Error('sent'), (err: unknown) => err as Error);
    expect(error.message).toBe('The text message could not be sent: no GOV.UK Notify template is configured for it.');
    expect(received.length).toBe(before + 1);
  });
});
