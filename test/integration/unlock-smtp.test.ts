import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCard } from '../../src-service/ca/card-factory.js';
import { readOutbox } from '../../src-service/notify/outbox.js';
import { startService, type RunningService } from '../../src-service/start-service.js';
import { addOrg, addPosition, addUser, assign, tempDbFile } from '../support/service-fixtures.js';
import { withCardProof } from '../support/card-proof.js';

// Self-service unlock through a real SMTP server: the smtp-server package in its own process on
// loopback (no TLS, no login), printing each message it receives as one JSON line. The service
// sends the security code there with nodemailer; the test reads the code from the delivered
// message and enters it. No smartcard reader is used.

const SMTP_SINK = `
import { SMTPServer } from 'smtp-server';
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (c) => chunks.push(c));
    stream.on('end', () => {
      const line = { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null, to: session.envelope.rcptTo.map((r) => r.address), data: Buffer.concat(chunks).toString('utf8') };
      process.stdout.write(JSON.stringify(line) + '\\n');
      callback();
    });
  },
});
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.server.address().port }) + '\\n'));
`;

interface Received {
  readonly from: string | null;
  readonly to: string[];
  readonly data: string;
}

let sink: ChildProcess;
let service: RunningService;
let dbFile: string;
const received: Received[] = [];
const waiters: (() => void)[] = [];

function nextMessage(timeoutMs = 10_000): Promise<Received> {
  const seen = received.length;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no message reached the SMTP server')), timeoutMs);
    const check = (): void => {
      const message = received[seen];
      if (message) {
        clearTimeout(timer);
        resolve(message);
      } else waiters.push(check);
    };
    check();
  });
}

beforeAll(async () => {
  sink = spawn(process.execPath, ['--input-type=module', '-e', SMTP_SINK], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    sink.once('exit', (code) => reject(new Error(`the SMTP server stopped (${code})`)));
    createInterface({ input: sink.stdout! }).on('line', (line) => {
      const parsed = JSON.parse(line) as { port?: number } & Partial<Received>;
      if (parsed.port !== undefined) resolve(parsed.port);
      else {
        received.push(parsed as Received);
        for (const wake of waiters.splice(0)) wake();
      }
    });
  });
  dbFile = tempDbFile('cis-unlock-smtp-');
  service = await startService({ dbFile, host: '127.0.0.1', port: 0, smtpUrl: `smtp://127.0.0.1:${port}`, mailFrom: 'Smartcards <smartcards@care-identity.invalid>' });
});

afterAll(async () => {
  sink?.kill();
  await service?.close();
  if (dbFile) rmSync(dirname(dbFile), { recursive: true, force: true });
});

async function post(path: string, json: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const res = await fetch(`${service.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(json) });
  return { status: res.status, body: await res.json() };
}

describe('self-service unlock over SMTP', () => {
  it('rule: the security code is emailed through the configured SMTP server, and the code in that email unlocks', async () => {
    const db = service.ctx.db;
    const org = await addOrg(db, { code: 'SMTP1', name: 'SMTP Test Trust' });
    const user = await addUser(db, { given: 'Mary', family: 'Seacole', homeOrgId: org.id, email: 'mary.seacole@nhs.net' });
    await assign(db, user.id, await addPosition(db, { orgId: org.id, title: 'Staff Nurse' }));
    const card = await makeCard(service.ctx, { userUuid: user.uuid, algorithm: 'p256' });

    const arriving = nextMessage();
    const sent = await post('/v1/unlock/self', await withCardProof(service, { workstationId: 'ws-smtp-1', cardUuid: card.cardUuid, certificate: card.certificate.der.toString('base64') }));
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ channel: 'email', sentTo: 'm•••@nhs.net' });

    const message = await arriving;
    expect(message.to).toEqual(['mary.seacole@nhs.net']);
    expect(message.from).toBe('smartcards@care-identity.invalid');
    expect(message.data).toMatch(/^Subject: Your smartcard security code$/m);
    const code = /security code to unlock your smartcard is (\d{6})/.exec(message.data)?.[1];
    expect(code).toMatch(/^\d{6}$/);
    // It went by SMTP, not to the outbox.
    expect(await readOutbox(db, 10)).toEqual([]);

    const entered = await post(`/v1/unlock/${sent.body.unlockId}/code`, { workstationId: 'ws-smtp-1', code });
    expect(entered.status).toBe(200);
    expect(entered.body).toEqual({ accepted: true });
  });
});
