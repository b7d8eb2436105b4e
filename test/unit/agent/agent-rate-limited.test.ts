import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { R1, startAgent, startServiceRig, type ServiceRig } from './support/agent-rig.js';

// When the identity service refuses a sign-in because this workstation has sent too many
// requests without a session (429), the holder is told so in words, with when to try again;
// the passcode was right, so no attempt is counted against the card.

let rig: ServiceRig;

beforeAll(async () => {
  // One request a minute without a session: the sign-in challenge passes, its answer is refused.
  rig = await startServiceRig({ rateLimitPerClient: 1 });
});
afterAll(async () => rig.close());

describe('the service refusing a workstation that sent too many requests', () => {
  it('rule: a sign-in refused with 429 tells the holder to try again later, in words, and costs the card no attempt', async () => {
    const a = startAgent(rig.service.url);
    try {
      await a.until((s) => s.service.status === 'connected', 'the service');
      const card = await rig.card('clinician');
      a.readers.insert(R1, card.engine);
      await a.untilScreen('passcode');
      const failure = await a.failure('agent.submitPasscode', { passcode: '123456' });
      expect(failure).toMatchObject({ code: 'service-refused', message: expect.stringMatching(/Too many requests .*Try again in \d+ seconds?\./) });
      expect(a.screen()).toMatchObject({ kind: 'passcode', attemptsRemaining: 3, error: expect.stringMatching(/Try again in \d+ seconds?/) });
      expect(card.triesLeft()).toBe(3);
      expect(await rig.liveSessions()).toBe(0);
    } finally {
      await a.close();
    }
  });
});
