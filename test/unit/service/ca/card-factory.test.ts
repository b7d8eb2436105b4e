import { verify as cryptoVerify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLOT } from '../../../../src-main/card/piv/piv-constants.js';
import { CardBlockedError, WrongPasscodeError } from '../../../../src-main/card/status-words.js';
import { loadOrCreateCardState } from '../../../../src-main/virtual-card/state-file.js';
import { guidToUuid } from '../../../../src-shared/card/piv-objects.js';
import { digestReferenceData, padReferenceData } from '../../../../src-shared/card/reference-data.js';
import { VirtualCardState } from '../../../../src-shared/card/virtual-card-state.js';
import { makeCard, CardFactoryError, type MadeCard } from '../../../../src-service/ca/card-factory.js';
import { writeCardStateFile } from '../../../../src-service/ca/card-state-file.js';
import { openCardSecret } from '../../../../src-service/crypto/card-secrets.js';
import { cardAlg, holder, startServiceRig, withCard, type Holder, type ServiceRig } from '../support/card-login-rig.js';

// The card factory makes a complete card: CHUID with the card UUID, a 9A key and its CA-issued
// certificate, passcode and PUK (as digests on the card, the PUK sealed in the directory), an
// AES-128 management key (sealed), registered active. The card side runs it unchanged.

let rig: ServiceRig;
let h: Holder;

beforeAll(async () => {
  rig = await startServiceRig();
  h = await holder(rig.db, { given: 'Femi', family: 'Adeyemi' });
});
afterAll(async () => rig.close());

const ascii = (s: string): Buffer => Buffer.from(s, 'ascii');

async function sealedSecrets(card: MadeCard): Promise<{ puk: string; managementKey: Buffer }> {
  const row = await rig.db.selectFrom('cards').select(['puk_sealed', 'management_key_sealed']).where('id', '=', card.cardId).executeTakeFirstOrThrow();
  return {
    puk: openCardSecret(rig.service.ctx.dataKey, card.cardUuid, 'puk', row.puk_sealed as Buffer).toString('ascii'),
    managementKey: openCardSecret(rig.service.ctx.dataKey, card.cardUuid, 'management-key', row.management_key_sealed as Buffer),
  };
}

const cardCount = async (): Promise<number> => Number((await rig.db.selectFrom('cards').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const certificateCount = async (): Promise<number> =>
  Number((await rig.db.selectFrom('certificates').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe.each(['rsa2048', 'p256'] as const)('a %s factory card', (algorithm) => {
  let card: MadeCard;
  beforeAll(async () => {
    card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm, passcode: '24681357' });
  });

  it('is a valid VirtualCardState: passcode and PUK only as salted digests with 3 tries, AES-128 management key, the 9A key, CHUID and certificate objects in lower-case hex', async () => {
    expect(VirtualCardState.parse(card.state)).toEqual(card.state);
    const { puk, managementKey } = await sealedSecrets(card);
    const matches = (ref: { salt: string; digest: string }, value: string): boolean =>
      Buffer.from(digestReferenceData(Buffer.from(ref.salt, 'hex'), padReferenceData(ascii(value)))).toString('hex') === ref.digest;
    expect(matches(card.state.pin, '24681357')).toBe(true);
    expect(matches(card.state.puk, puk)).toBe(true);
    expect(Buffer.from(card.state.pin.salt, 'hex')).toHaveLength(16);
    expect(card.state.pin.salt).not.toBe(card.state.puk.salt);
    expect([card.state.pin.triesLeft, card.state.pin.maxTries, card.state.puk.triesLeft, card.state.puk.maxTries]).toEqual([3, 3, 3, 3]);
    expect(card.state.managementKey).toEqual({ algorithm: 'aes128', key: managementKey.toString('hex') });
    expect(Object.keys(card.state.keys)).toEqual(['9a']);
    expect(card.state.keys['9a']?.algorithm).toBe(algorithm);
    expect(Object.keys(card.state.objects).sort()).toEqual(['5fc102', '5fc105']);
    const text = JSON.stringify(card.state);
    expect(text).not.toContain('24681357');
    expect(text).not.toContain(puk);
  });

  it('runs in the PIV card engine with PivSession: CHUID GUID = card UUID, 9A certificate = the issued DER, the passcode verifies, the signature verifies with the certificate', async () => {
    const message = ascii('sign this: card factory check');
    const result = await withCard(card.state, async (piv) => {
      const chuid = await piv.readChuid();
      const certificate = await piv.readCertificate(SLOT.AUTHENTICATION);
      await piv.verifyPin(ascii('24681357'));
      const signature = await piv.sign(SLOT.AUTHENTICATION, cardAlg(card.state), message);
      return { chuid, certificate, signature };
    });
    expect(guidToUuid(result.chuid?.guid as Buffer)).toBe(card.cardUuid);
    expect(result.certificate?.equals(card.certificate.der)).toBe(true);
    const x509 = new X509Certificate(result.certificate as Buffer);
    expect(cryptoVerify('sha256', message, x509.publicKey, result.signature)).toBe(true);
    expect(x509.verify(rig.service.ctx.ca.issuingPublicKey)).toBe(true);
    expect(x509.subject).toBe(`CN=Femi Adeyemi\nUID=${h.userUuid}`);
  });

  it('is registered: card active with its algorithm and sealed secrets, certificate recorded with DER and dates, issue audited without secrets', async () => {
    const row = await rig.db
      .selectFrom('cards')
      .select(['uuid', 'serial', 'user_id', 'status', 'algorithm', 'management_key_algorithm'])
      .where('id', '=', card.cardId)
      .executeTakeFirst();
    expect(row).toEqual({ uuid: card.cardUuid, serial: card.serial, user_id: h.userId, status: 'active', algorithm, management_key_algorithm: 'aes128' });
    expect(card.state.serial).toBe(card.serial);
    const cert = await rig.db
      .selectFrom('certificates')
      .select(['card_id', 'der', 'not_before', 'not_after', 'revoked_at'])
      .where('serial', '=', card.certificate.serial)
      .executeTakeFirst();
    expect(cert).toEqual({
      card_id: card.cardId,
      der: card.certificate.der,
      not_before: card.certificate.notBefore.toISOString(),
      not_after: card.certificate.notAfter.toISOString(),
      revoked_at: null,
    });
    const audit = await rig.db
      .selectFrom('audit_log')
      .select(['actor', 'details'])
      .where('action', '=', 'card.issued')
      .where('subject', '=', card.cardUuid)
      .executeTakeFirstOrThrow();
    expect(audit.actor).toBe('system');
    const { puk, managementKey } = await sealedSecrets(card);
    expect(audit.details).not.toContain(puk);
    expect(audit.details).not.toContain(managementKey.toString('hex'));
    expect(JSON.parse(audit.details)).toMatchObject({ userUuid: h.userUuid, certificateSerial: card.certificate.serial });
  });

  it("the sealed PUK is the card's PUK: after three wrong passcodes lock the card, it sets a new passcode", async () => {
    const { puk } = await sealedSecrets(card);
    await withCard(structuredClone(card.state), async (piv) => {
      for (let i = 0; i < 3; i++) await expect(piv.verifyPin(ascii('000000'))).rejects.toBeInstanceOf(WrongPasscodeError);
      await expect(piv.verifyPin(ascii('24681357'))).rejects.toBeInstanceOf(CardBlockedError);
      await piv.unblockPin(ascii(puk), ascii('135792'));
      await piv.verifyPin(ascii('135792'));
    });
  });
});

describe('card identity and secrets', () => {
  it('each card gets a random v4 UUID, its own serial, PUK and management key', async () => {
    const made: MadeCard[] = [];
    for (let i = 0; i < 5; i++) made.push(await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' }));
    const secrets = await Promise.all(made.map(sealedSecrets));
    for (const card of made) expect(card.cardUuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(made.map((c) => c.cardUuid)).size).toBe(5);
    expect(new Set(made.map((c) => c.serial)).size).toBe(5);
    expect(new Set(secrets.map((c) => c.managementKey.toString('hex'))).size).toBe(5);
    for (const secret of secrets) expect(secret.puk).toMatch(/^\d{8}$/);
  });

  it('a sealed secret opens only for its own card and its own name', async () => {
    const a = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
    const b = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
    const sealed = (await rig.db.selectFrom('cards').select('puk_sealed').where('id', '=', a.cardId).executeTakeFirstOrThrow()).puk_sealed as Buffer;
    expect(openCardSecret(rig.service.ctx.dataKey, a.cardUuid, 'puk', sealed).toString()).toMatch(/^\d{8}$/);
    expect(() => openCardSecret(rig.service.ctx.dataKey, b.cardUuid, 'puk', sealed)).toThrow();
    expect(() => openCardSecret(rig.service.ctx.dataKey, a.cardUuid, 'management-key', sealed)).toThrow();
  });

  it('the default passcode is 123456', async () => {
    const card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
    await withCard(card.state, async (piv) => {
      await expect(piv.verifyPin(ascii('654321'))).rejects.toBeInstanceOf(WrongPasscodeError);
      await expect(piv.verifyPin(ascii('123456'))).resolves.toBeUndefined();
    });
  });

  it.each([['12345'], ['123456789'], ['12ab56'], ['']])('passcode %j breaks the national rule (6-8 digits) and is refused without being repeated', async (passcode) => {
    const before = await cardCount();
    const err = await makeCard(rig.service.ctx, { userUuid: h.userUuid, passcode }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(CardFactoryError);
    expect(err?.message).toMatch(/^The card passcode is not valid: /);
    if (passcode) expect(err?.message).not.toContain(passcode);
    expect(await cardCount()).toBe(before);
  });

  it('an unknown user or a closed profile gets no card', async () => {
    await expect(makeCard(rig.service.ctx, { userUuid: '00000000-0000-4000-8000-000000000000' })).rejects.toThrow(/No user profile/);
    const closed = await holder(rig.db, { given: 'Gus', family: 'Hale' });
    await rig.db.updateTable('users').set({ status: 'closed' }).where('id', '=', closed.userId).execute();
    await expect(makeCard(rig.service.ctx, { userUuid: closed.userUuid })).rejects.toThrow(/closed/);
  });

  it('if the card cannot be saved, it is not registered either', async () => {
    const count = async (): Promise<string> => `${await cardCount()}/${await certificateCount()}`;
    const before = await count();
    await expect(
      makeCard(rig.service.ctx, {
        userUuid: h.userUuid,
        algorithm: 'p256',
        persist: () => {
          throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
    expect(await count()).toBe(before);
  });
});

describe('the card state file', () => {
  it('is written with mode 0600, leaves no temporary file, and loads on the card side', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cis-card-state-'));
    try {
      const card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
      const file = join(dir, 'cards', 'femi.json');
      writeCardStateFile(file, card.state);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readdirSync(join(dir, 'cards'))).toEqual(['femi.json']);
      expect(loadOrCreateCardState(file)).toEqual({ state: card.state, created: false });
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(card.state);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('replaces a file atomically: a reader sees the old card or the new one, and the mode stays 0600', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cis-card-state-'));
    try {
      const file = join(dir, 'card.json');
      writeFileSync(file, 'old', { mode: 0o644 });
      const card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
      writeCardStateFile(file, card.state);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(file, 'utf8')).serial).toBe(card.serial);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a state that is not a valid card', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cis-card-state-'));
    try {
      const card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
      const broken = { ...card.state, managementKey: { algorithm: 'aes128' as const, key: 'abcd' } };
      expect(() => writeCardStateFile(join(dir, 'x.json'), broken)).toThrow();
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
