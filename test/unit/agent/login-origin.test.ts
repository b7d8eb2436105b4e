import { verify as verifySignature, X509Certificate } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cardLogin, ForeignServiceOriginError } from '../../../src-main/agent/login-card.js';
import { certificateFacts } from '../../../src-main/agent/card-facts.js';
import { MESSAGES } from '../../../src-main/agent/agent-messages.js';
import { InProcessReaderDriver } from '../../../src-main/virtual-card/in-process-readers.js';
import { loginSignedPayload, type VerifyRequest } from '../../../src-shared/api/service-login.js';
import { R1, startAgent, startServiceRig, type AgentRig, type ServiceRig, type TestCard } from './support/agent-rig.js';
import type { z } from 'zod';

// The agent signs in for the service it is configured with: the card signs that origin, and a
// challenge naming another one is refused before the card is asked to sign anything.

const GENERAL_AUTHENTICATE = 0x87;
const OWN_ORIGIN = 'https://cis.example.nhs.uk';
const OTHER_ORIGIN = 'https://cis.elsewhere.example';
let rig: ServiceRig;
const agents: AgentRig[] = [];

beforeAll(async () => {
  rig = await startServiceRig();
});
afterAll(async () => rig.close());
afterEach(async () => {
  rig.service.ctx.serviceOrigin = rig.service.url;
  for (const a of agents.splice(0)) await a.close();
});

const signatures = (card: TestCard): number => card.commands.filter((c) => c.ins === GENERAL_AUTHENTICATE).length;

/** cardLogin against a stand-in service whose challenge names `challengeOrigin`; what verify was sent, if anything. */
async function loginWith(card: TestCard, challengeOrigin: string): Promise<{ sent: z.input<typeof VerifyRequest> | undefined; failure: unknown }> {
  const readers = new InProcessReaderDriver([R1]);
  readers.insert(R1, card.engine);
  const der = card.made.certificate.der;
  let sent: z.input<typeof VerifyRequest> | undefined;
  let failure: unknown;
  try {
    await cardLogin({
      readers,
      reader: R1,
      facts: { cardUuid: card.cardUuid, certificate: der, ...certificateFacts(der) },
      passcode: Buffer.from('123456', 'ascii'),
      workstationId: 'ws-origin-test',
      serviceOrigin: OWN_ORIGIN,
      service: {
        challenge: async () => ({ nonce: 'bm9uY2Utbm9uY2Utbm9uY2U', serviceOrigin: challengeOrigin, expiresAt: new Date().toISOString() }),
        verify: async (body) => {
          sent = body;
          throw new Error('stand-in service: verify not answered');
        },
      },
    });
  } catch (err) {
    failure = err;
  } finally {
    await readers.close();
  }
  return { sent, failure };
}

describe('login origin from the agent configuration', () => {
  it('the card signs the origin the agent is configured with', async () => {
    const card = await rig.card('clinician');
    const { sent } = await loginWith(card, OWN_ORIGIN);
    expect(sent).toBeDefined();
    const payload = loginSignedPayload({ nonce: 'bm9uY2Utbm9uY2Utbm9uY2U', serviceOrigin: OWN_ORIGIN, workstationId: 'ws-origin-test' });
    const key = new X509Certificate(card.made.certificate.der).publicKey;
    expect(verifySignature('sha256', Buffer.from(payload, 'utf8'), key, Buffer.from(sent?.signature ?? '', 'base64'))).toBe(true);
  });

  it('a challenge naming another origin is refused and the card never signs', async () => {
    const card = await rig.card('clinician');
    const { sent, failure } = await loginWith(card, OTHER_ORIGIN);
    expect(failure).toBeInstanceOf(ForeignServiceOriginError);
    expect(sent).toBeUndefined();
    expect(signatures(card)).toBe(0);
  });

  it('the agent whose service names another origin tells the user, signs nothing and opens no session', async () => {
    rig.service.ctx.serviceOrigin = OTHER_ORIGIN;
    const a = startAgent(rig.service.url);
    agents.push(a);
    await a.until((s) => s.service.status === 'connected', 'the service');
    const card = await rig.card('clinician');
    const before = await rig.liveSessions();
    a.readers.insert(R1, card.engine);
    await a.untilScreen('passcode');

    const failure = await a.failure('agent.submitPasscode', { passcode: '123456' });
    expect(failure.code).toBe('service-refused');
    expect(failure.message).toBe(MESSAGES.foreignServiceOrigin);
    expect(a.screen()).toMatchObject({ kind: 'passcode', busy: false, error: MESSAGES.foreignServiceOrigin });
    expect(signatures(card)).toBe(0);
    expect(await rig.liveSessions()).toBe(before);
  });
});
