import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { personaByKey } from '../../../src-service/seed/personas.js';
import { R1, R2, signIn, startAgent, startServiceRig, type ServiceRig } from './support/agent-rig.js';
import { captureConsole, rendererSaw, secretForms } from './support/secret-scan.js';
import { latestCodeFor, servicePuks } from '../../support/unlock-rig.js';

// Unlocking hands the agent's main process the card's PUKs and an unlock capability, and the
// holder types a security code and a new passcode. None of them may reach the renderer, an error
// message or a log: every AgentState emitted and every result and failure of both unlock flows
// is recorded and searched for each value, in clear and in base64 and hex.

let rig: ServiceRig;
beforeAll(async () => {
  rig = await startServiceRig();
});
afterAll(async () => rig.close());

/** The unlock capabilities the service hands out, read off the wire (the agent never gives them out). */
function watchUnlockIds(): { ids: string[]; restore(): void } {
  const ids: string[] = [];
  const real = globalThis.fetch;
  const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input, init) => {
    const response = await real(input, init);
    const url = String(input instanceof Request ? input.url : input);
    if (response.ok && (url.endsWith('/v1/unlock/self') || url.endsWith('/v1/card-service/unlock'))) {
      const body = (await response.clone().json()) as { unlockId?: string };
      if (body.unlockId) ids.push(body.unlockId);
    }
    return response;
  });
  return { ids, restore: () => spy.mockRestore() };
}

describe('unlock secrets', () => {
  it('no PUK, security code, new passcode or unlock id appears in any state, result, failure or log line of either unlock flow', async () => {
    const watched = watchUnlockIds();
    const { logged, restore: restoreConsole } = captureConsole();
    const secrets: string[] = [];
    const puksOf = async (cardUuid: string): Promise<void> => {
      const p = await servicePuks(rig.service, cardUuid);
      for (const v of [p.current, p.pending]) if (v) secrets.push(v);
    };
    const holder = personaByKey('locked-card');
    const self = startAgent(rig.service.url);
    const sponsor = startAgent(rig.service.url);
    try {
      // Self-service, with a wrong code, a mismatched passcode and a success.
      await self.until((s) => s.service.status === 'connected', 'connected');
      const mine = await rig.card('locked-card', { locked: true });
      await puksOf(mine.cardUuid);
      self.readers.insert(R1, mine.engine);
      await self.untilScreen('locked-card');
      await self.call('unlock.begin', {});
      await self.call('unlock.sendCode', {});
      const code = await latestCodeFor(rig.service, holder.email);
      const wrongCode = code === '864209' ? '864208' : '864209';
      secrets.push(code, wrongCode);
      await self.failure('unlock.submitCode', { code: wrongCode });
      await self.call('unlock.submitCode', { code });
      await self.failure('unlock.setPasscode', { next: '80417263', confirm: '80417264' });
      await self.call('unlock.setPasscode', { next: '80417263', confirm: '80417263' });
      await puksOf(mine.cardUuid);
      await self.call('unlock.close', {});
      await self.call('agent.getState', {});

      // Service smartcard, by a sponsor.
      await sponsor.until((s) => s.service.status === 'connected', 'connected');
      await signIn(sponsor, await rig.card('sponsor'));
      const theirs = await rig.card('locked-card', { locked: true });
      await puksOf(theirs.cardUuid);
      await sponsor.call('serviceCard.begin', {});
      sponsor.readers.insert(R2, theirs.engine);
      await sponsor.until((s) => s.readers.find((r) => r.name === R2)?.card?.cardUuid === theirs.cardUuid, 'card read');
      await sponsor.call('serviceCard.continue', {});
      await sponsor.call('serviceCard.unlock', {});
      await sponsor.call('serviceCard.confirm', {});
      await sponsor.failure('unlock.setPasscode', { next: '59260418', confirm: '5926041a' });
      await sponsor.call('unlock.setPasscode', { next: '59260418', confirm: '59260418' });
      await puksOf(theirs.cardUuid);
      await sponsor.call('unlock.close', {});

      expect(watched.ids).toHaveLength(2);
      expect(secrets.length).toBeGreaterThanOrEqual(6);
      const forbidden = [...secrets, '80417263', '80417264', '59260418', '5926041a', ...watched.ids].flatMap(secretForms);
      const seen = [...rendererSaw(self), ...rendererSaw(sponsor), ...logged];
      expect(seen.length).toBeGreaterThan(30);
      for (const text of seen) for (const secret of forbidden) expect(text.includes(secret), `a secret in: ${text.slice(0, 160)}`).toBe(false);
      expect(logged).toEqual([]);
    } finally {
      restoreConsole();
      watched.restore();
      await self.close();
      await sponsor.close();
    }
  });
});
