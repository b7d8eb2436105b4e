import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentFailure } from '../../../src-main/agent/agent-types.js';
import { ApduChannel } from '../../../src-main/card/apdu-channel.js';
import { PivSession, type PinStatus } from '../../../src-main/card/piv/piv-session.js';
import { DEFAULT_MANAGEMENT_KEY, SLOT } from '../../../src-main/card/piv/piv-constants.js';
import { WrongPasscodeError } from '../../../src-main/card/status-words.js';
import { startTraining, type TrainingSetup } from '../../../src-main/training/start-training.js';
import { trainingCardPath } from '../../../src-main/training/training-card-file.js';
import { TRAINING_PASSCODES, TRAINING_READERS } from '../../../src-main/training/training-passcodes.js';
import { PERSONAS, personaByKey, type PersonaKey } from '../../../src-service/seed/personas.js';
import { startService, type RunningService } from '../../../src-service/start-service.js';
import type { Db } from '../../../src-service/store/database.js';
import { encodeChuid, uuidToGuid } from '../../../src-shared/card/piv-objects.js';
import { VirtualCardState } from '../../../src-shared/card/virtual-card-state.js';

// Training mode's cards and readers over a real embedded service: the personas' cards are made
// by the card factory, sit in the two in-process readers on request, and speak PIV to the same
// host code the agent uses. Card state lives in files, so a wrong passcode is remembered.

let dataDir: string;
let service: RunningService;
let training: TrainingSetup;

const ascii = (s: string): Buffer => Buffer.from(s, 'ascii');
const chuidFor = (uuid: string): string => encodeChuid(uuidToGuid(uuid)).toString('hex');
const cardCount = async (db: Db): Promise<number> => Number((await db.selectFrom('cards').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

function onCard<T>(setup: TrainingSetup, reader: string, run: (piv: PivSession) => Promise<T>): Promise<T> {
  return setup.readers.transaction(reader, async (transport) => {
    const piv = new PivSession(new ApduChannel(transport));
    await piv.select();
    return run(piv);
  });
}

async function pinStatusOf(setup: TrainingSetup, persona: string): Promise<PinStatus> {
  setup.deck.insert(persona, 'Reader 2');
  try {
    return await onCard(setup, 'Reader 2', (piv) => piv.pinStatus());
  } finally {
    setup.deck.remove('Reader 2');
  }
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'training-'));
  service = await startService({ host: '127.0.0.1', port: 0, dbFile: join(dataDir, 'service.sqlite'), outbox: true });
  training = await startTraining(service.ctx, dataDir);
});

afterAll(async () => {
  training.deck.dispose();
  await training.readers.close();
  await service.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the panel view', () => {
  it('lists every persona by role label, with name, passcode and no reader yet, then the two blank cards, and the two readers', () => {
    const view = training.deck.view();
    expect(view.readers).toEqual(['Reader 1', 'Reader 2']);
    expect(view.personas.map((p) => p.role)).toEqual([
      'Clinician',
      'Sponsor',
      'Local Smartcard Administrator',
      'RA Agent',
      'RA Manager',
      'Card near expiry',
      'Locked card',
      'Card expired',
      'ID Checker',
      'Blank card',
      'Blank card',
    ]);
    const blanks = view.personas.filter((p) => p.role === 'Blank card');
    expect(blanks).toEqual([
      { key: 'blank-card-1', role: 'Blank card', name: 'Blank card 1', passcode: '123456', insertedIn: null },
      { key: 'blank-card-2', role: 'Blank card', name: 'Blank card 2', passcode: '123456', insertedIn: null },
    ]);
    for (const p of view.personas.filter((p) => p.role !== 'Blank card')) {
      expect(p.passcode).toBe(TRAINING_PASSCODES[p.key as PersonaKey]);
      expect(p.passcode).toMatch(/^\d{6,8}$/);
      expect(p.name).toBe(personaByKey(p.key as PersonaKey).name);
      expect(p.insertedIn).toBeNull();
    }
  });
});

describe('inserting and removing', () => {
  it('puts a card in a reader, the driver reports it, the view shows it, and listeners hear of it', () => {
    const changes: string[] = [];
    const events: string[] = [];
    const off = training.deck.onChange(() => changes.push('change'));
    const onInsert = (name: string): number => events.push(`in:${name}`);
    const onRemove = (name: string): number => events.push(`out:${name}`);
    training.readers.on('card-inserted', onInsert);
    training.readers.on('card-removed', onRemove);
    try {
      training.deck.insert('sponsor', 'Reader 1');
      expect(training.readers.readers()).toEqual([
        { name: 'Reader 1', cardPresent: true, atr: expect.any(Buffer) },
        { name: 'Reader 2', cardPresent: false },
      ]);
      expect(training.deck.view().personas.find((p) => p.key === 'sponsor')?.insertedIn).toBe('Reader 1');
      training.deck.remove('Reader 1');
      expect(training.deck.view().personas.every((p) => p.insertedIn === null)).toBe(true);
      expect(events).toEqual(['in:Reader 1', 'out:Reader 1']);
      expect(changes).toHaveLength(2);
    } finally {
      off();
      training.readers.off('card-inserted', onInsert);
      training.readers.off('card-removed', onRemove);
    }
  });

  it('moves a card that is already in the other reader, and replaces a card in the chosen reader', () => {
    training.deck.insert('clinician', 'Reader 1');
    training.deck.insert('lsa', 'Reader 2');
    training.deck.insert('clinician', 'Reader 2');
    const where = Object.fromEntries(training.deck.view().personas.map((p) => [p.key, p.insertedIn]));
    expect(where).toMatchObject({ clinician: 'Reader 2', lsa: null });
    expect(training.readers.readers().map((r) => r.cardPresent)).toEqual([false, true]);
    training.deck.remove('Reader 2');
  });

  it('inserting a card where it already is changes nothing', () => {
    training.deck.insert('ra-agent', 'Reader 1');
    let heard = 0;
    const off = training.deck.onChange(() => heard++);
    training.deck.insert('ra-agent', 'Reader 1');
    off();
    expect(heard).toBe(0);
    training.deck.remove('Reader 1');
  });

  it('refuses an unknown persona or reader with a bad-request AgentFailure, changing nothing', () => {
    const attempt = (run: () => void): AgentFailure => {
      try {
        run();
      } catch (err) {
        if (err instanceof AgentFailure) return err;
        throw err;
      }
      throw new Error('expected a failure');
    };
    expect(attempt(() => training.deck.insert('nobody', 'Reader 1'))).toMatchObject({ code: 'bad-request', message: expect.stringContaining('nobody') });
    expect(attempt(() => training.deck.insert('clinician', 'Reader 9'))).toMatchObject({ code: 'bad-request', message: expect.stringContaining('Reader 9') });
    expect(attempt(() => training.deck.remove('Reader 9')).code).toBe('bad-request');
    expect(training.deck.view().personas.every((p) => p.insertedIn === null)).toBe(true);
  });

  it('removing from an empty reader is harmless', () => {
    training.deck.insert('clinician', 'Reader 1');
    const before = training.deck.view();
    let heard = 0;
    const off = training.deck.onChange(() => heard++);
    training.deck.remove('Reader 2');
    off();
    // Nothing changes: the card in the other reader stays, and nobody is told of a change.
    expect(training.deck.view()).toEqual(before);
    expect(heard).toBe(0);
    training.deck.remove('Reader 1');
  });
});

describe('the cards', () => {
  it('an ordinary persona card: 3 attempts, and its shown passcode verifies', async () => {
    expect(await pinStatusOf(training, 'clinician')).toEqual({ verified: false, attemptsRemaining: 3 });
    training.deck.insert('clinician', 'Reader 1');
    await onCard(training, 'Reader 1', async (piv) => {
      await piv.verifyPin(ascii(TRAINING_PASSCODES.clinician));
      expect(await piv.pinStatus()).toEqual({ verified: true });
    });
    training.deck.remove('Reader 1');
  });

  it('the "Locked card" persona\'s card reports 0 attempts: its passcode is blocked from the start', async () => {
    expect(await pinStatusOf(training, 'locked-card')).toEqual({ verified: false, attemptsRemaining: 0 });
  });

  it('the "Card near expiry" persona\'s certificate ends within 90 days (30 days from now)', async () => {
    training.deck.insert('card-near-expiry', 'Reader 1');
    const der = await onCard(training, 'Reader 1', (piv) => piv.readCertificate(SLOT.AUTHENTICATION));
    training.deck.remove('Reader 1');
    const days = (Date.parse(new X509Certificate(der as Buffer).validTo) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29);
    expect(days).toBeLessThan(31);
  });

  it('the "Card expired" persona\'s certificate expired 10 days ago, after a year\'s validity (notBefore < notAfter < today)', async () => {
    training.deck.insert('card-expired', 'Reader 1');
    const der = await onCard(training, 'Reader 1', (piv) => piv.readCertificate(SLOT.AUTHENTICATION));
    training.deck.remove('Reader 1');
    const cert = new X509Certificate(der as Buffer);
    const daysAgo = (Date.now() - Date.parse(cert.validTo)) / 86_400_000;
    expect(daysAgo).toBeGreaterThan(9);
    expect(daysAgo).toBeLessThan(11);
    expect(Date.parse(cert.validFrom)).toBeLessThan(Date.parse(cert.validTo) - 300 * 86_400_000);
  });

  it('every other persona\'s certificate is valid for far longer than 90 days', async () => {
    training.deck.insert('sponsor', 'Reader 1');
    const der = await onCard(training, 'Reader 1', (piv) => piv.readCertificate(SLOT.AUTHENTICATION));
    training.deck.remove('Reader 1');
    expect((Date.parse(new X509Certificate(der as Buffer).validTo) - Date.now()) / 86_400_000).toBeGreaterThan(365);
  });

  it('each card belongs to its persona in the directory and is active', async () => {
    const rows = await service.ctx.db
      .selectFrom('cards as c')
      .innerJoin('users as u', 'u.id', 'c.user_id')
      .select(['u.uuid as userUuid', 'c.status'])
      .where('u.uuid', 'like', 'c1a55e00-%')
      .execute();
    expect(rows).toHaveLength(PERSONAS.length);
    expect(rows.every((r) => r.status === 'active')).toBe(true);
  });
});

describe('card state files', () => {
  it('a wrong passcode is saved to the card file at once', async () => {
    training.deck.insert('ra-manager', 'Reader 1');
    const wrong = await onCard(training, 'Reader 1', (piv) => piv.verifyPin(ascii('999999')).catch((err: unknown) => err));
    training.deck.remove('Reader 1');
    expect(wrong).toBeInstanceOf(WrongPasscodeError);
    const file = VirtualCardState.parse(JSON.parse(readFileSync(trainingCardPath(dataDir, personaByKey('ra-manager')), 'utf8')));
    expect(file.pin.triesLeft).toBe(2);
  });

  it('a restart with the same data folder reuses the cards, attempts and all, instead of issuing new ones', async () => {
    const cardsBefore = await cardCount(service.ctx.db);
    const again = await startTraining(service.ctx, dataDir);
    try {
      expect(await cardCount(service.ctx.db)).toBe(cardsBefore);
      expect(await pinStatusOf(again, 'ra-manager')).toEqual({ verified: false, attemptsRemaining: 2 });
      expect(await pinStatusOf(again, 'locked-card')).toEqual({ verified: false, attemptsRemaining: 0 });
    } finally {
      again.deck.dispose();
      await again.readers.close();
    }
  });

  it('a fresh directory (new database, old card files) gets newly issued cards that it knows', async () => {
    const otherDir = mkdtempSync(join(tmpdir(), 'training-fresh-'));
    const fresh = await startService({ host: '127.0.0.1', port: 0, dbFile: join(otherDir, 'service.sqlite'), outbox: true });
    try {
      // Old card files in place, but this directory never issued them: they must not be used.
      const setup = await startTraining(fresh.ctx, dataDir);
      try {
        const personaCards = await fresh.ctx.db.selectFrom('cards as c').innerJoin('users as u', 'u.id', 'c.user_id').select('c.id').where('u.uuid', 'in', PERSONAS.map((p) => p.uuid)).execute();
        expect(personaCards).toHaveLength(PERSONAS.length);
        expect(await pinStatusOf(setup, 'ra-manager')).toEqual({ verified: false, attemptsRemaining: 3 });
      } finally {
        setup.deck.dispose();
        await setup.readers.close();
      }
    } finally {
      await fresh.close();
      rmSync(otherDir, { recursive: true, force: true });
    }
  });
});

describe('blank cards', () => {
  it('rule: a blank training card is as it left the factory: no CHUID, no certificate, no key, factory passcode and management key', async () => {
    training.deck.insert('blank-card-1', 'Reader 2');
    const seen = await onCard(training, 'Reader 2', async (piv) => ({
      chuid: await piv.readChuid(),
      certificate: await piv.readCertificate(SLOT.AUTHENTICATION),
      key: await piv.keyMetadata(SLOT.AUTHENTICATION),
      serial: await piv.serial(),
    }));
    training.deck.remove('Reader 2');
    expect(seen.chuid).toBeUndefined();
    expect(seen.certificate).toBeUndefined();
    expect(seen.key ?? null).toBeNull();
    expect(seen.serial).toEqual(expect.any(Number));
    const file = VirtualCardState.parse(JSON.parse(readFileSync(join(dataDir, 'training-cards', 'blank-card-1.json'), 'utf8')));
    expect(file.managementKey.key).toBe(DEFAULT_MANAGEMENT_KEY.toString('hex'));
    expect(await pinStatusOf(training, 'blank-card-1')).toEqual({ verified: false, attemptsRemaining: 3 });
    training.deck.insert('blank-card-1', 'Reader 2');
    await onCard(training, 'Reader 2', (piv) => piv.verifyPin(ascii('123456')));
    training.deck.remove('Reader 2');
  });

  it('rule: the two blank cards are different cards (different serials)', () => {
    const serialOf = (key: string): number =>
      VirtualCardState.parse(JSON.parse(readFileSync(join(dataDir, 'training-cards', `${key}.json`), 'utf8'))).serial;
    expect(serialOf('blank-card-1')).not.toBe(serialOf('blank-card-2'));
  });

  it('rule: a blank card file holding a card the directory has never heard of starts blank again', async () => {
    const path = join(dataDir, 'training-cards', 'blank-card-2.json');
    const before = VirtualCardState.parse(JSON.parse(readFileSync(path, 'utf8')));
    // As if issued by another directory: a CHUID for a card UUID this one does not know.
    const stranger = { ...before, objects: { ...before.objects, '5fc102': chuidFor('0f0e0d0c-0b0a-4908-8706-050403020100') } };
    writeFileSync(path, JSON.stringify(stranger));
    const again = await startTraining(service.ctx, dataDir);
    try {
      expect(again.deck.view().personas.find((p) => p.key === 'blank-card-2')?.passcode).toBe('123456');
      const after = VirtualCardState.parse(JSON.parse(readFileSync(path, 'utf8')));
      expect(after.objects['5fc102']).toBeUndefined();
    } finally {
      again.deck.dispose();
      await again.readers.close();
    }
  });
});

describe('practising repair', () => {
  it('rule: "Delete certificate" removes only the card\'s 9A certificate object: the key, CHUID and passcode stay, in the file too', async () => {
    training.deck.insert('card-near-expiry', 'Reader 2');
    const before = await onCard(training, 'Reader 2', async (piv) => ({ chuid: await piv.readChuid(), key: await piv.keyMetadata(SLOT.AUTHENTICATION) }));
    training.deck.damageCertificate('card-near-expiry');
    expect(training.deck.view().personas.find((p) => p.key === 'card-near-expiry')?.insertedIn, 'put back in the same reader').toBe('Reader 2');
    const after = await onCard(training, 'Reader 2', async (piv) => ({
      certificate: await piv.readCertificate(SLOT.AUTHENTICATION),
      chuid: await piv.readChuid(),
      key: await piv.keyMetadata(SLOT.AUTHENTICATION),
    }));
    await onCard(training, 'Reader 2', (piv) => piv.verifyPin(ascii(TRAINING_PASSCODES['card-near-expiry'])));
    training.deck.remove('Reader 2');
    expect(after.certificate).toBeUndefined();
    expect(after.chuid).toEqual(before.chuid);
    expect(after.key).toEqual(before.key);
    const file = VirtualCardState.parse(JSON.parse(readFileSync(trainingCardPath(dataDir, personaByKey('card-near-expiry')), 'utf8')));
    expect(file.objects['5fc105']).toBeUndefined();
    expect(file.keys['9a']).toBeDefined();
  });

  it('rule: a card with no certificate left cannot be damaged again, and an unknown card is refused, with words', () => {
    expect(() => training.deck.damageCertificate('card-near-expiry')).toThrow(/no certificate to delete/);
    expect(() => training.deck.damageCertificate('nobody')).toThrow(AgentFailure);
  });
});

describe('readers', () => {
  it('are the two named training readers', () => {
    expect(TRAINING_READERS).toEqual(['Reader 1', 'Reader 2']);
    expect(training.readers.readers().map((r) => r.name)).toEqual([...TRAINING_READERS]);
  });
});
