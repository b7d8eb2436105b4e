import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { SmartcardInspection } from '../../../src-shared/api/agent-api.js';
import type { PersonaKey } from '../../../src-service/seed/personas.js';
import { personaByKey } from '../../../src-service/seed/personas.js';
import { SLOT } from '../../../src-main/card/piv/piv-constants.js';
import { RENEWAL_JOURNAL_FILE } from '../../../src-main/agent/renewal-journal.js';
import { PivCardEngine } from '../../../src-main/virtual-card/piv-card-engine.js';
import { R1, R2, signIn, startAgent, startServiceRig, type AgentRig, type ServiceRig, type TestCard } from './support/agent-rig.js';
import { blankCard, cardHoldsKeyOf, certificateOnCard, jobEnd, runJob, serviceView, type BlankCard } from '../../support/smartcard-rig.js';

// The smartcard lifecycle at the workstation (CARDS.md, "Agent"): an RA member signed in with
// their card in reader 1 issues, repairs and clears the card in reader 2, against the real
// identity service; the holder then signs in with the passcode they chose. Amelia Hart (the
// clinician, RZZ01) is the holder; Priya Patel (RAA at RZZ, the parent trust) the RA agent.

type Inspection = z.infer<typeof SmartcardInspection>;

const PASSCODE = '24681357';
const M_OWN = 'This is the smartcard you are signed in with. Insert the other smartcard into your second smartcard reader.';
const HOLDER = personaByKey('clinician');
let rig: ServiceRig;
const agents: AgentRig[] = [];

beforeAll(async () => {
  rig = await startServiceRig();
});
afterAll(async () => rig.close());
afterEach(async () => {
  for (const a of agents.splice(0)) await a.close();
});

async function signedInAs(key: PersonaKey): Promise<{ a: AgentRig; own: TestCard }> {
  const a = startAgent(rig.service.url);
  agents.push(a);
  await a.until((s) => s.service.status === 'connected', 'the service');
  const own = await rig.card(key);
  await signIn(a, own);
  return { a, own };
}

/** The card in reader 2, once the agent has seen it go in. */
async function inReader2(a: AgentRig, card: { engine: PivCardEngine }): Promise<void> {
  a.readers.insert(R2, card.engine);
  await a.until((s) => s.readers.some((r) => r.name === R2 && r.card !== null), 'the card in reader 2');
}

const issueRequest = (userUuid = HOLDER.uuid, passcode = PASSCODE) => ({ userUuid, algorithm: 'p256', passcode, confirm: passcode });

/** The holder signs in with `engine` and `passcode` on an agent of their own. */
async function holderSignsIn(engine: PivCardEngine, passcode = PASSCODE): Promise<string> {
  const h = startAgent(rig.service.url);
  agents.push(h);
  await h.until((s) => s.service.status === 'connected', 'the service');
  h.readers.insert(R1, engine);
  await h.untilScreen('passcode');
  await h.call('agent.submitPasscode', { passcode });
  const choose = await h.untilScreen('choose-position');
  return choose.holderName;
}

describe('Issue a smartcard', () => {
  it('rule: an RA agent issues the blank card in reader 2; the holder signs in with the passcode they chose, with a live certificate for the card’s own key', async () => {
    const { a, own } = await signedInAs('ra-agent');
    const ownCommands = own.commands.length;
    const card = blankCard();
    await inReader2(a, card);

    const inspection = (await a.call('smartcard.inspect', {})) as Inspection;
    expect(inspection).toMatchObject({ reader: R2, registeredTo: null, summary: 'A blank smartcard' });
    expect(inspection.readout.serial).toBe(card.serial);

    const end = await runJob(a.agent, 'smartcard.issue', issueRequest());
    expect(end).toMatchObject({ kind: 'issue', status: 'done', message: 'Smartcard issued successfully', repaired: [] });
    expect(end.cardUuid).not.toBeNull();

    const view = await serviceView(rig.service, card.serial, card.engine);
    expect(view.registered).toEqual({ uuid: end.cardUuid, status: 'active', userUuid: HOLDER.uuid });
    expect(view.live).toHaveLength(1);
    expect(view.liveForOtherKeys).toBe(0);
    expect(cardHoldsKeyOf(card.engine, certificateOnCard(card.engine) as Buffer)).toBe(true);
    // The RA's own card was never spoken to.
    expect(own.commands.length).toBe(ownCommands);

    const again = (await a.call('smartcard.inspect', {})) as Inspection;
    expect(again).toMatchObject({ registeredTo: { uuid: HOLDER.uuid, name: HOLDER.name }, summary: `Smartcard registered to ${HOLDER.name}` });

    a.readers.remove(R2);
    expect(await holderSignsIn(card.engine)).toBe(HOLDER.name);
  });

  it('rule: every step is journaled before it is taken, and the journal holds no operation id, passcode, PUK or key', async () => {
    const { a } = await signedInAs('ra-agent');
    const card = blankCard();
    await inReader2(a, card);
    const ids: string[] = [];
    const secrets: string[] = [];
    const real = globalThis.fetch;
    globalThis.fetch = async (input, init) => {
      const response = await real(input, init);
      const url = String(input);
      if (response.ok && /\/v1\/users\/[^/]+\/smartcards$/.test(url)) ids.push(((await response.clone().json()) as { operationId: string }).operationId);
      if (response.ok && url.endsWith('/personalise')) {
        const body = (await response.clone().json()) as { puk: string; managementKeyCommand: string };
        secrets.push(body.puk, Buffer.from(body.managementKeyCommand, 'base64').subarray(-16).toString('hex'));
      }
      return response;
    };
    let end;
    try {
      end = await runJob(a.agent, 'smartcard.issue', issueRequest());
    } finally {
      globalThis.fetch = real;
    }
    expect(end.status).toBe('done');
    const steps = (a.agent as unknown as { smartcardJobs: { journal: { entries(id: string): { step: string; cardSerial: number | null }[] } } }).smartcardJobs.journal.entries(end.jobId);
    const names = steps.map((s) => s.step);
    expect(names[0]).toBe('reading-card');
    expect(names).toEqual(expect.arrayContaining(['opening', 'making-key', 'requesting-certificate', 'writing-certificate', 'personalising', 'setting-keys', 'checking-card', 'confirming']));
    expect(names.indexOf('requesting-certificate')).toBeLessThan(names.indexOf('writing-certificate'));
    expect(names.indexOf('personalising')).toBeLessThan(names.indexOf('confirming'));
    expect(names.at(-1)).toBe('done');
    expect(steps.slice(1).every((s) => s.cardSerial === card.serial)).toBe(true);

    expect(ids).toHaveLength(1);
    expect(secrets).toHaveLength(2);
    const file = readFileSync(join(a.dataDir, RENEWAL_JOURNAL_FILE));
    const wal = (() => {
      try {
        return readFileSync(join(a.dataDir, `${RENEWAL_JOURNAL_FILE}-wal`));
      } catch {
        return Buffer.alloc(0);
      }
    })();
    for (const bytes of [file, wal]) {
      for (const secret of [...ids, PASSCODE, ...secrets]) {
        expect(bytes.includes(Buffer.from(secret, 'utf8')), 'a secret in the journal').toBe(false);
      }
      expect(bytes.includes(Buffer.from(secrets[1] as string, 'hex'))).toBe(false);
    }
  });

  it('rule: the passcode policy and its confirmation are checked before anything: nothing is asked of the service or the card', async () => {
    const { a } = await signedInAs('ra-agent');
    const card = blankCard();
    await inReader2(a, card);
    const before = card.commands.length;
    const mismatch = await a.failure('smartcard.issue', { ...issueRequest(), confirm: '24681358' });
    expect(mismatch.code).toBe('passcode-policy');
    expect(mismatch.message).toMatch(/do not match|match/i);
    const weak = await a.failure('smartcard.issue', issueRequest(HOLDER.uuid, '123'));
    expect(weak.code).toBe('passcode-policy');
    expect(card.commands.length).toBe(before);
    const ops = await rig.db.selectFrom('card_operations').select('id').where('card_serial', '=', card.serial).execute();
    expect(ops).toEqual([]);
  });

  it.each(['sponsor', 'lsa'] as const)('rule: a %s session is refused (forbidden) and nothing happens to the card', async (who) => {
    const { a } = await signedInAs(who);
    const card = blankCard();
    await inReader2(a, card);
    const before = card.commands.length;
    const snapshot = JSON.stringify(card.engine.snapshot());
    for (const [channel, request] of [
      ['smartcard.issue', issueRequest()],
      ['smartcard.clear', { cardUuid: HOLDER.uuid }],
      ['smartcard.repair', { cardUuid: HOLDER.uuid }],
    ] as const) {
      const refused = await a.failure(channel, request);
      expect(refused.code).toBe('forbidden');
    }
    expect(card.commands.length).toBe(before);
    expect(JSON.stringify(card.engine.snapshot())).toBe(snapshot);
  });

  it('rule: one job at a time; no card in reader 2 is refused with what to do', async () => {
    const { a } = await signedInAs('ra-agent');
    const none = await a.failure('smartcard.issue', issueRequest());
    expect(none).toMatchObject({ code: 'not-now', message: 'Insert the smartcard into your second smartcard reader.' });
    const card = blankCard();
    await inReader2(a, card);
    const { jobId } = (await a.call('smartcard.issue', issueRequest())) as { jobId: string };
    const busy = await a.failure('smartcard.issue', issueRequest());
    expect(busy).toMatchObject({ code: 'not-now', message: 'A smartcard operation is already under way. Wait for it to finish.' });
    expect((await jobEnd(a.agent, jobId)).status).toBe('done');
    expect(await a.failure('smartcard.progress', { jobId: 'A'.repeat(22) })).toMatchObject({ code: 'not-now', message: 'There is no such smartcard operation.' });
  });

  it('rule: the RA’s own card is never used, even in the second reader', async () => {
    const { a, own } = await signedInAs('ra-agent');
    const copy = new PivCardEngine(own.engine.snapshot());
    a.readers.insert(R2, copy);
    await a.until((s) => s.readers.some((r) => r.name === R2 && r.card?.cardUuid === own.cardUuid), 'the copy read');
    const before = JSON.stringify(copy.snapshot());
    expect(await a.failure('smartcard.inspect', {})).toMatchObject({ code: 'not-now', message: M_OWN });
    expect(await a.failure('smartcard.issue', issueRequest())).toMatchObject({ code: 'not-now', message: M_OWN });
    expect(JSON.stringify(copy.snapshot())).toBe(before);
  });

  it('rule: the card pulled mid-issue ends the job with words; the next attempt issues it and the holder signs in', async () => {
    const { a } = await signedInAs('ra-agent');
    const card = blankCard();
    await inReader2(a, card);
    // Well into the issue: after the card has made its key.
    a.readers.faults(R2).vanishAfter(25, 'after-processing');
    const failed = await runJob(a.agent, 'smartcard.issue', issueRequest());
    expect(failed).toMatchObject({ status: 'failed', message: 'The smartcard was removed before it was issued. Put it back in your second smartcard reader and issue it again.' });
    expect((await serviceView(rig.service, card.serial, card.engine)).live).toEqual([]);

    await inReader2(a, card);
    const end = await runJob(a.agent, 'smartcard.issue', issueRequest());
    expect(end).toMatchObject({ status: 'done', message: 'Smartcard issued successfully' });
    const view = await serviceView(rig.service, card.serial, card.engine);
    expect(view.live).toHaveLength(1);
    expect(view.liveForOtherKeys).toBe(0);
    a.readers.remove(R2);
    expect(await holderSignsIn(card.engine)).toBe(HOLDER.name);
  });
});

describe('Words for every failure', () => {
  it('rule: a card registered to someone is refused in the service’s words, and left as it was', async () => {
    const { a } = await signedInAs('ra-agent');
    const card = blankCard();
    await issued(a, card);
    const snapshot = JSON.stringify(card.engine.snapshot());
    const end = await runJob(a.agent, 'smartcard.issue', issueRequest(personaByKey('locked-card').uuid));
    expect(end).toMatchObject({ status: 'failed', message: `This smartcard is registered to ${HOLDER.name}. Clear it before issuing it again.` });
    expect(JSON.stringify(card.engine.snapshot())).toBe(snapshot);
  });

  it('rule: a card that is not blank (not the factory management key) is refused in words, and left as it was', async () => {
    const { a } = await signedInAs('ra-agent');
    const state = blankCard().engine.snapshot();
    state.managementKey = { algorithm: 'aes128', key: '00112233445566778899aabbccddeeff' };
    const card = { engine: new PivCardEngine(state) };
    await inReader2(a, card);
    expect(((await a.call('smartcard.inspect', {})) as Inspection).summary).toBe('A smartcard that is not blank and is not registered to anyone you can see');
    const end = await runJob(a.agent, 'smartcard.issue', issueRequest());
    expect(end.status).toBe('failed');
    expect(end.message).toMatch(/^This smartcard is not blank/);
    expect(JSON.stringify(card.engine.snapshot())).toBe(JSON.stringify(state));
  });

  it('rule: the service unreachable is said in words, the card untouched, and the next attempt issues it', async () => {
    const { a } = await signedInAs('ra-agent');
    const card = blankCard();
    await inReader2(a, card);
    const real = globalThis.fetch;
    globalThis.fetch = (input, init) => (/\/v1\/users\/[^/]+\/smartcards$/.test(String(input)) ? Promise.reject(new TypeError('fetch failed')) : real(input, init));
    let end;
    try {
      end = await runJob(a.agent, 'smartcard.issue', issueRequest());
    } finally {
      globalThis.fetch = real;
    }
    expect(end).toMatchObject({ status: 'failed', message: 'The identity service cannot be reached. Check the network connection and try again.' });
    expect(certificateOnCard(card.engine)).toBeNull();
    expect((await runJob(a.agent, 'smartcard.issue', issueRequest())).status).toBe('done');
  });

  it('rule: a job that fails at the service after opening, before the card changed, abandons its operation there', async () => {
    const { a } = await signedInAs('ra-agent');
    const state = blankCard().engine.snapshot();
    // The card accepts the factory key when read, refuses the factory passcode when issued.
    state.pin.triesLeft = 0;
    const card = { engine: new PivCardEngine(state) };
    await inReader2(a, card);
    const end = await runJob(a.agent, 'smartcard.issue', issueRequest());
    expect(end).toMatchObject({ status: 'failed', message: 'This smartcard is not blank, so it cannot be issued. Clear it first.' });
    const ops = await rig.db.selectFrom('card_operations').select(['status']).where('card_serial', '=', state.serial).execute();
    expect(ops).toEqual([{ status: 'void' }]);
  });
});

async function issued(a: AgentRig, card: BlankCard, userUuid = HOLDER.uuid): Promise<string> {
  await inReader2(a, card);
  const end = await runJob(a.agent, 'smartcard.issue', issueRequest(userUuid));
  expect(end.status, end.message ?? '').toBe('done');
  return end.cardUuid as string;
}

describe('Clear, repair and cancel a smartcard', () => {
  it('rule: a cleared card is blank and unregistered, and can be issued again', async () => {
    const { a } = await signedInAs('ra-manager');
    const card = blankCard();
    const first = await issued(a, card);
    const cleared = await runJob(a.agent, 'smartcard.clear', { cardUuid: first });
    expect(cleared).toMatchObject({ kind: 'clear', status: 'done', message: 'Smartcard cleared successfully', cardUuid: first });
    expect((await serviceView(rig.service, card.serial, card.engine)).registered).toBeNull();
    expect(certificateOnCard(card.engine)).toBeNull();
    expect(((await a.call('smartcard.inspect', {})) as Inspection).summary).toBe('A blank smartcard');

    const other = personaByKey('locked-card');
    const second = await issued(a, card, other.uuid);
    expect(second).not.toBe(first);
    const view = await serviceView(rig.service, card.serial, card.engine);
    expect(view.registered).toMatchObject({ uuid: second, userUuid: other.uuid });
    expect(view.live).toHaveLength(1);
    expect(view.liveForOtherKeys).toBe(0);
    a.readers.remove(R2);
    expect(await holderSignsIn(card.engine)).toBe(other.name);
  });

  it('rule: a card whose certificate object was deleted is repaired, and its holder signs in again', async () => {
    const { a } = await signedInAs('ra-agent');
    const card = blankCard();
    const cardUuid = await issued(a, card);
    const state = card.engine.snapshot();
    delete state.objects[SLOT.AUTHENTICATION.certificateObject.toString(16)];
    const damaged = new PivCardEngine(state);
    a.readers.remove(R2);
    await inReader2(a, { engine: damaged });

    const end = await runJob(a.agent, 'smartcard.repair', { cardUuid });
    expect(end).toMatchObject({ kind: 'repair', status: 'done', cardUuid });
    expect(end.message).toMatch(/^Smartcard repaired successfully/);
    expect(end.repaired).toContain('certificate');
    const view = await serviceView(rig.service, card.serial, damaged);
    expect(view.live).toHaveLength(1);
    expect(certificateOnCard(damaged)?.equals(view.live[0] as Buffer)).toBe(true);
    a.readers.remove(R2);
    expect(await holderSignsIn(damaged)).toBe(HOLDER.name);
  });

  it('rule: a card whose key is not its certificate’s is not given the certificate back; the job fails in words', async () => {
    const { a } = await signedInAs('ra-agent');
    const card = blankCard();
    const cardUuid = await issued(a, card);
    const other = blankCard();
    await issued(a, other, personaByKey('locked-card').uuid);
    const state = card.engine.snapshot();
    delete state.objects[SLOT.AUTHENTICATION.certificateObject.toString(16)];
    state.keys['9a'] = other.engine.snapshot().keys['9a'] as (typeof state.keys)['9a'];
    const swapped = new PivCardEngine(state);
    a.readers.remove(R2);
    await inReader2(a, { engine: swapped });
    const end = await runJob(a.agent, 'smartcard.repair', { cardUuid });
    expect(end.status).toBe('failed');
    expect(end.message).toMatch(/key does not match the certificate on record/);
    expect(certificateOnCard(swapped)).toBeNull();
  });

  it('rule: an RSA-2048 card is issued and its holder signs in', async () => {
    const { a } = await signedInAs('ra-agent');
    const card = blankCard();
    await inReader2(a, card);
    const end = await runJob(a.agent, 'smartcard.issue', { ...issueRequest(), algorithm: 'rsa2048' });
    expect(end).toMatchObject({ status: 'done', message: 'Smartcard issued successfully' });
    expect(card.engine.snapshot().keys['9a']?.algorithm).toBe('rsa2048');
    expect((await serviceView(rig.service, card.serial, card.engine)).liveForOtherKeys).toBe(0);
    a.readers.remove(R2);
    expect(await holderSignsIn(card.engine)).toBe(HOLDER.name);
  });

  it('rule: a cancelled card is refused at login with the cancelled words', async () => {
    const { a } = await signedInAs('ra-agent');
    const card = blankCard();
    const cardUuid = await issued(a, card);
    a.readers.remove(R2);
    const cancelled = await a.call('service.call', { endpoint: 'cancelSmartcard', params: { cardUuid }, body: { reason: 'lost' } });
    expect(cancelled).toMatchObject({ certificatesRevoked: 1 });
    expect((await serviceView(rig.service, card.serial, card.engine)).live).toEqual([]);

    const h = startAgent(rig.service.url);
    agents.push(h);
    await h.until((s) => s.service.status === 'connected', 'the service');
    h.readers.insert(R1, card.engine);
    await h.untilScreen('passcode');
    const refused = await h.failure('agent.submitPasscode', { passcode: PASSCODE });
    expect(refused.message).toBe('This smartcard has been cancelled. Contact your Registration Authority.');
  });
});
