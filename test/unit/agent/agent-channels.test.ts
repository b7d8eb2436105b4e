import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_CHANNELS, AgentState } from '../../../src-shared/api/agent-api.js';
import type { TrainingCards } from '../../../src-main/agent/agent-types.js';
import type { InProcessReaderDriver } from '../../../src-main/virtual-card/in-process-readers.js';
import { PERSONAS, type PersonaKey } from '../../../src-service/seed/personas.js';
import { R1, R2, startAgent, startServiceRig, type AgentRig, type ServiceRig, type TestCard } from './support/agent-rig.js';

// The renderer's one entry point: only the channels of AGENT_CHANNELS, only payloads that fit
// their schemas, refusals that name fields without repeating values, and the training panel's
// channels delegated to training mode when it is on.

let rig: ServiceRig;
const agents: AgentRig[] = [];

beforeAll(async () => {
  rig = await startServiceRig();
});
afterAll(async () => rig.close());
afterEach(async () => {
  for (const a of agents.splice(0)) await a.close();
});

function agent(options: Parameters<typeof startAgent>[1] = {}): AgentRig {
  const a = startAgent(rig.service.url, options);
  agents.push(a);
  return a;
}

describe('channels and payloads', () => {
  it.each(['agent.nope', '__proto__', 'toString', 'constructor', '', 'cim.findusers'])('an unknown channel (%j) is refused as unknown-channel', async (channel) => {
    const a = agent();
    const failure = await a.failure(channel, {});
    expect(failure).toMatchObject({ code: 'unknown-channel', message: 'The Identity Agent does not know that request.' });
  });

  it('every channel of the contract is served (none is refused as unknown)', async () => {
    const a = agent();
    for (const channel of Object.keys(AGENT_CHANNELS)) {
      const outcome = await a.agent.handle(channel, {}).catch((e: { code: string }) => e);
      expect((outcome as { code?: string }).code).not.toBe('unknown-channel');
    }
  });

  it('agent.getState answers the current state, which fits the AgentState schema; a missing payload counts as empty', async () => {
    const a = agent();
    await a.until((s) => s.service.status === 'connected', 'connected');
    const state = await a.call('agent.getState');
    expect(AgentState.parse(state)).toEqual(a.agent.state());
  });

  it('malformed payloads are refused as bad-request naming the fields, never repeating the values or unknown keys', async () => {
    const a = agent();
    const cases: [string, unknown, RegExp][] = [
      ['agent.submitPasscode', { passcode: 13572468 }, /passcode should be a string/],
      ['agent.submitPasscode', {}, /passcode is missing/],
      ['agent.submitPasscode', { passcode: '13572468', secretField97531: 'x86420' }, /the request has a field it does not take/],
      ['agent.submitPasscode', { passcode: '1'.repeat(65) }, /passcode is too long/],
      ['agent.choosePosition', { positionId: -4, remember: 'yes' }, /positionId is too short or too small; remember should be a boolean/],
      ['cim.getProfile', { uuid: 'not-a-uuid-86420' }, /uuid is not a valid uuid/],
      ['cim.findUsers', { niNumber: 'ZZ864209Q' }, /niNumber is not in the expected form/],
      ['agent.getState', null, /the request should be an object/],
      ['agent.lock', [], /the request should be an object/],
    ];
    for (const [channel, payload, expected] of cases) {
      const failure = await a.failure(channel, payload);
      expect(failure.code, channel).toBe('bad-request');
      expect(failure.message).toMatch(/^The request is not valid: /);
      expect(failure.message).toMatch(expected);
      for (const value of ['13572468', 'secretField97531', 'x86420', 'not-a-uuid-86420', 'ZZ864209Q', '111111', 'yes']) expect(failure.message).not.toContain(value);
    }
  });

  it('requests at the wrong moment are refused as not-now, changing nothing', async () => {
    const a = agent();
    await a.until((s) => s.service.status === 'connected', 'connected');
    const before = a.agent.state();
    expect((await a.failure('agent.submitPasscode', { passcode: '123456' })).code).toBe('not-now');
    expect((await a.failure('agent.choosePosition', { positionId: 1, remember: false })).code).toBe('not-now');
    expect((await a.failure('agent.cancelPasscode', {})).code).toBe('not-now');
    expect((await a.failure('agent.lock', {})).code).toBe('not-signed-in');
    expect(a.agent.state()).toBe(before);
  });
});

/** Training mode's panel over the in-process readers, with factory cards for the personas. */
function trainingCards(readers: InProcessReaderDriver, cards: Map<PersonaKey, TestCard>): TrainingCards {
  const listeners = new Set<() => void>();
  const changed = (): void => listeners.forEach((l) => l());
  return {
    view: () => ({
      personas: PERSONAS.filter((p) => cards.has(p.key)).map((p) => ({
        key: p.key,
        role: p.roleLabel,
        name: p.name,
        passcode: '123456',
        insertedIn: [R1, R2].find((r) => readers.cardIn(r) === cards.get(p.key)?.engine) ?? null,
      })),
      readers: [R1, R2],
      outbox: [],
      apps: [],
    }),
    insert: (key, reader) => {
      const card = cards.get(key as PersonaKey);
      if (!card) throw new Error('There is no training persona of that name.');
      readers.insert(reader, card.engine);
      changed();
    },
    remove: (reader) => {
      readers.remove(reader);
      changed();
    },
    damageCertificate: (key) => {
      if (!cards.has(key as PersonaKey)) throw new Error('There is no training persona of that name.');
      changed();
    },
    onChange: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
}

describe('training channels', () => {
  it('without training mode, training requests are refused as not-now and state.training is null', async () => {
    const a = agent();
    expect(a.agent.state().training).toBeNull();
    expect((await a.failure('training.insertCard', { persona: 'clinician', reader: R1 })).code).toBe('not-now');
    expect((await a.failure('training.removeCard', { reader: R1 })).code).toBe('not-now');
    expect((await a.failure('training.damageCard', { persona: 'clinician' })).code).toBe('not-now');
  });

  it('with training mode, the panel inserts and removes persona cards and state.training mirrors it', async () => {
    const cards = new Map<PersonaKey, TestCard>([
      ['clinician', await rig.card('clinician')],
      ['sponsor', await rig.card('sponsor')],
    ]);
    const a = agent({ training: (readers) => trainingCards(readers, cards) });
    expect(a.agent.state().training).toEqual({
      personas: [
        { key: 'clinician', role: 'Clinician', name: 'Amelia Hart', passcode: '123456', insertedIn: null },
        { key: 'sponsor', role: 'Sponsor', name: 'Grace Okafor', passcode: '123456', insertedIn: null },
      ],
      readers: [R1, R2],
      outbox: [],
      apps: [],
    });
    await a.call('training.insertCard', { persona: 'sponsor', reader: R2 });
    expect(a.agent.state().training?.personas.find((p) => p.key === 'sponsor')?.insertedIn).toBe(R2);
    expect(await a.untilScreen('passcode')).toMatchObject({ holderName: 'Grace Okafor', reader: R2 });
    const unknown = await a.failure('training.insertCard', { persona: 'nobody', reader: R1 });
    expect(unknown).toMatchObject({ code: 'bad-request', message: 'There is no training persona of that name.' });
    await a.call('training.removeCard', { reader: R2 });
    expect(a.screen()).toEqual({ kind: 'no-card' });
    expect(a.agent.state().training?.personas.every((p) => p.insertedIn === null)).toBe(true);
  });
});
