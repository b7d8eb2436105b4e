import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AgentState, type RenewalView } from '../../src-shared/api/agent-api.js';
import { createAgent } from '../../src-main/agent/create-agent.js';
import type { Agent } from '../../src-main/agent/agent-types.js';
import { PcscReaderDriver } from '../../src-main/pcsc/pcsc-reader-driver.js';
import { cardReadIn, nextState, signInFromPrompt } from '../support/agent-states.js';
import { startServiceRig, type ServiceRig } from '../unit/agent/support/agent-rig.js';
import { cardCertificate, normSerial, serviceCertificates } from '../unit/agent/support/renewal-rig.js';
import { commandNames } from '../unit/agent/support/unlock-rig.js';
import { waitFor } from './support/pcsc.js';
import { runTool, type ToolResult } from './support/run-tool.js';
import { makeTestCard, READER, type TestCard } from './support/virtual-card.js';

// Sponsor renewal ("Service smartcard" -> Renew smartcard certificate) through the real stack:
// the sponsor's card in vpcd slot 0, the holder's card due for renewal in slot 1, pcscd, the
// PC/SC reader driver, the agent and the embedded identity service over HTTP. Then third-party
// tools judge the renewed card: pkcs15-tool reads the new certificate, and pkcs11-tool signs
// with the card's key, which openssl verifies with the new certificate's key.

const STATE_MS = 15_000;
const HOLDER_SLOT = 1 as const;
const PKCS11_MODULE = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
const PASSCODE = '123456';

let rig: ServiceRig;
let driver: PcscReaderDriver;
let agent: Agent;
let dataDir: string;
let cards: { card: TestCard; reader: string }[] = [];

beforeAll(async () => {
  rig = await startServiceRig();
});
afterAll(async () => rig.close());

afterEach(async () => {
  for (const { card, reader } of cards) {
    const present = driver.readers().some((r) => r.name === reader && r.cardPresent);
    const gone = present ? waitFor(driver, 'card-removed', reader) : Promise.resolve();
    await card.remove();
    await gone;
  }
  cards = [];
  await agent.close();
  await driver.close();
  rmSync(dataDir, { recursive: true, force: true });
});

function renewal(): RenewalView {
  const screen = agent.state().screen;
  if (screen.kind !== 'signed-in' || !screen.renewal) throw new Error(`no renewal under way: ${JSON.stringify(screen)}`);
  return screen.renewal;
}

function succeeded(result: ToolResult, what: string): ToolResult {
  expect(result.code, `${what} failed:\n${result.output}`).toBe(0);
  return result;
}

describe('sponsor renewal over pcscd + vpcd, two readers', () => {
  it('sponsor in 00 00, the holder\'s card in 00 01: renew -> the holder\'s passcode -> done; pkcs15-tool shows the new certificate and pkcs11-tool signs with its key', async () => {
    driver = new PcscReaderDriver({ reconnectMs: 200 });
    dataDir = mkdtempSync(join(tmpdir(), 'agent-renewal-pcsc-'));
    agent = createAgent({ readers: driver, serviceUrl: rig.service.url, workstationId: 'ws-pcsc-renewal', removalMode: 'normal', dataDir });
    agent.onState((s) => expect(AgentState.safeParse(s).success).toBe(true));
    driver.start();

    const sponsor = makeTestCard(0, { state: rig.card('sponsor', { algorithm: 'p256' }).made.state });
    cards.push({ card: sponsor, reader: READER[0] });
    await sponsor.insert();
    await signInFromPrompt(agent, 'sponsor', PASSCODE, STATE_MS);

    const made = rig.card('clinician', { algorithm: 'rsa2048', validDays: 40 });
    const holder = makeTestCard(HOLDER_SLOT, { state: made.engine.snapshot() });
    cards.push({ card: holder, reader: READER[HOLDER_SLOT] });
    const oldCertificate = cardCertificate(holder.engine);
    const sponsorCommands = sponsor.log.length;

    await agent.handle('serviceCard.begin', {});
    await holder.insert();
    await nextState(agent, cardReadIn(READER[HOLDER_SLOT], made.cardUuid), 'the holder card read in reader 2', STATE_MS);
    await agent.handle('serviceCard.continue', {});
    await agent.handle('serviceCard.renew', {});
    expect(renewal()).toMatchObject({ mode: 'sponsor', reader: READER[HOLDER_SLOT], holderName: 'Amelia Hart', step: { step: 'passcode' } });
    const before = holder.log.length;
    await agent.handle('renewal.submitPasscode', { passcode: PASSCODE });
    expect(renewal()).toMatchObject({ step: { step: 'done' }, error: null });

    expect(commandNames(holder.log.slice(before))).toEqual(['SELECT', 'VERIFY', 'GENERAL AUTHENTICATE', 'GENERAL AUTHENTICATE', 'GENERATE', 'ATTEST', 'GENERAL AUTHENTICATE', 'PUT DATA']);
    expect(sponsor.log.length).toBe(sponsorCommands);
    const renewed = cardCertificate(holder.engine);
    expect(renewed.equals(oldCertificate)).toBe(false);
    const certificates = serviceCertificates(rig.service, made.cardUuid);
    expect(certificates.live).toEqual([normSerial(renewed)]);
    expect(certificates.revoked).toEqual([{ serial: normSerial(oldCertificate), reason: 'superseded' }]);
    await agent.handle('renewal.close', {});

    // Third-party tools, through the same pcscd, on the renewed card.
    const readBack = succeeded(await runTool('pkcs15-tool', ['--reader', String(HOLDER_SLOT), '--read-certificate', '01']), 'pkcs15-tool --read-certificate 01');
    expect(new X509Certificate(readBack.stdout).raw).toEqual(renewed);
    const dir = mkdtempSync(join(tmpdir(), 'renewal-pcsc-sign-'));
    try {
      writeFileSync(join(dir, 'msg.bin'), randomBytes(48));
      writeFileSync(join(dir, 'new.pem'), new X509Certificate(renewed).publicKey.export({ type: 'spki', format: 'pem' }));
      succeeded(
        await runTool(
          'pkcs11-tool',
          ['--module', PKCS11_MODULE, '--slot-description', READER[HOLDER_SLOT], '--login', '--pin', PASSCODE, '--sign', '-m', 'SHA256-RSA-PKCS', '--id', '01', '-i', 'msg.bin', '-o', 'sig.bin'],
          { cwd: dir },
        ),
        'pkcs11-tool --sign',
      );
      const verified = await runTool('openssl', ['dgst', '-sha256', '-verify', 'new.pem', '-signature', 'sig.bin', 'msg.bin'], { cwd: dir });
      expect(verified.code, verified.output).toBe(0);
      expect(verified.stdout).toContain('Verified OK');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
