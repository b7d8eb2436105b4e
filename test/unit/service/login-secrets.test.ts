import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCard, type MadeCard } from '../../../src-service/ca/card-factory.js';
import { CA_SECRET_NAMES } from '../../../src-service/ca/ca-storage.js';
import { openCardSecret } from '../../../src-service/crypto/card-secrets.js';
import { decodeKdfParams, deriveKeyFromPassphrase } from '../../../src-service/crypto/passphrase-key.js';
import { open } from '../../../src-service/crypto/secret-box.js';
import { loadOrCreateMachineSecret } from '../../../src-service/crypto/machine-secret.js';
import { answeredChallenge, call, cardLogin, holder, seenBodies, startServiceRig, type Holder, type ServiceRig } from './support/card-login-rig.js';

// Secrets never reach an API response, the audit log, or the disk in clear: card PUKs and
// management keys, session tokens and login tickets (beyond the one response that hands each
// out), the service's data key and the CA's private keys.

let rig: ServiceRig;
let h: Holder;
const cards: MadeCard[] = [];
const tokens: string[] = [];
const tickets: string[] = [];
/** Bodies of the responses that legitimately carry one token or ticket. */
const handOuts = new Set<string>();

beforeAll(async () => {
  rig = await startServiceRig();
  h = holder(rig.db);
  seenBodies.length = 0;
  for (const algorithm of ['rsa2048', 'p256'] as const) {
    const card = makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm });
    cards.push(card);
    const verify = await cardLogin(rig.service, card.state);
    tickets.push(verify.body.loginTicket);
    handOuts.add(verify.text);
    const session = await call(rig.service, 'POST', '/v1/login/session', { loginTicket: verify.body.loginTicket, positionId: h.positionId });
    tokens.push(session.body.token);
    handOuts.add(session.text);
    // Everything else a client can provoke: reuse of the ticket and the challenge, a bad
    // signature, session info, sign-out, and calls with a dead token.
    await call(rig.service, 'POST', '/v1/login/session', { loginTicket: verify.body.loginTicket, positionId: h.positionId });
    const body = await answeredChallenge(rig.service, card.state);
    await call(rig.service, 'POST', '/v1/login/verify', { ...body, signature: Buffer.alloc(64, 3).toString('base64') });
    await call(rig.service, 'POST', '/v1/login/verify', body);
    await call(rig.service, 'GET', '/v1/session', undefined, session.body.token);
    await call(rig.service, 'POST', '/v1/logout', undefined, session.body.token);
    await call(rig.service, 'GET', '/v1/session', undefined, session.body.token);
  }
});
afterAll(async () => rig.close());

interface CardSecrets {
  puk: string;
  managementKey: Buffer;
}

function cardSecrets(card: MadeCard): CardSecrets {
  const row = rig.db.prepare('SELECT puk_sealed, management_key_sealed FROM cards WHERE uuid = ?').get(card.cardUuid) as { puk_sealed: Buffer; management_key_sealed: Buffer };
  return {
    puk: openCardSecret(rig.service.ctx.dataKey, card.cardUuid, 'puk', row.puk_sealed).toString('ascii'),
    managementKey: openCardSecret(rig.service.ctx.dataKey, card.cardUuid, 'management-key', row.management_key_sealed),
  };
}

/** Every printable form a secret might leak in. */
function forms(secret: Buffer | string): string[] {
  if (typeof secret === 'string') return [secret];
  return [secret.toString('hex'), secret.toString('hex').toUpperCase(), secret.toString('base64'), secret.toString('base64url')];
}

describe('secrets stay secret', () => {
  it('the flows ran: two sign-ins, each with a ticket and a token', () => {
    expect(tokens).toHaveLength(2);
    expect(tickets).toHaveLength(2);
    expect(seenBodies.length).toBeGreaterThanOrEqual(20);
  });

  it('no response body carries a PUK, a management key or the data key', () => {
    for (const card of cards) {
      const { puk, managementKey } = cardSecrets(card);
      expect(puk).toMatch(/^\d{8}$/);
      for (const body of seenBodies) {
        for (const form of [...forms(puk), ...forms(managementKey), ...forms(rig.service.ctx.dataKey)]) expect(body).not.toContain(form);
      }
    }
  });

  it('a session token appears only in the SessionResponse that hands it out; a login ticket only in its VerifyResponse', () => {
    for (const secret of [...tokens, ...tickets]) {
      const carriers = seenBodies.filter((b) => b.includes(secret));
      expect(carriers).toHaveLength(1);
      expect(handOuts.has(carriers[0] as string)).toBe(true);
    }
  });

  it('the audit log holds no token, ticket, PUK or key', () => {
    const log = JSON.stringify(rig.db.prepare('SELECT * FROM audit_log').all());
    expect(log).toContain('login.succeeded');
    expect(log).toContain('session.refused');
    // Refusals that proved nothing (a bad signature, a spent nonce) are counted, not logged one by one.
    const tallies = JSON.stringify(rig.db.prepare('SELECT * FROM refusal_tallies').all());
    expect(tallies).toContain('login.failed:signature-invalid');
    for (const secret of [...tokens, ...tickets]) expect(tallies).not.toContain(secret);
    for (const card of cards) {
      const { puk, managementKey } = cardSecrets(card);
      for (const form of [...forms(puk), ...forms(managementKey)]) expect(log).not.toContain(form);
    }
    for (const secret of [...tokens, ...tickets, ...forms(rig.service.ctx.dataKey)]) expect(log).not.toContain(secret);
  });

  it('on disk the database holds no PUK, management key, token, ticket or CA private key in clear', async () => {
    const dbFile = rig.service.ctx.config.dbFile;
    const bytes = Buffer.concat([dbFile, `${dbFile}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
    // The CA's private keys, opened here the way the service does, to know what to look for.
    const secret = loadOrCreateMachineSecret(join(dirname(dbFile), 'service-secret.json'));
    const stored = (name: string): Buffer => rig.db.prepare('SELECT value FROM service_secrets WHERE name = ?').pluck().get(name) as Buffer;
    const kek = await deriveKeyFromPassphrase(secret.caPassphrase, decodeKdfParams(stored(CA_SECRET_NAMES.kdf)));
    const caKeys = [open(kek, stored(CA_SECRET_NAMES.issuingKey), CA_SECRET_NAMES.issuingKey), open(kek, stored(CA_SECRET_NAMES.rootKey), CA_SECRET_NAMES.rootKey)];
    for (const key of caKeys) {
      expect(key.length).toBeGreaterThan(1000);
      // The PKCS#8 starts with headers and the public modulus (which the certificate carries);
      // its second half is private exponent and primes only: no 32-byte stretch of it may show.
      for (let offset = Math.floor(key.length / 2); offset + 32 <= key.length; offset += 32) {
        expect(bytes.includes(key.subarray(offset, offset + 32))).toBe(false);
      }
    }
    for (const card of cards) {
      const { puk, managementKey } = cardSecrets(card);
      expect(bytes.includes(Buffer.from(puk, 'ascii'))).toBe(false);
      expect(bytes.includes(managementKey)).toBe(false);
    }
    for (const s of [...tokens, ...tickets]) expect(bytes.includes(Buffer.from(s, 'ascii'))).toBe(false);
    expect(bytes.includes(rig.service.ctx.dataKey)).toBe(false);
  });
});
