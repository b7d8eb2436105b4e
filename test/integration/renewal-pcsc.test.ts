import { randomBytes, X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RenewalView } from '../../src-shared/api/agent-api.js';
import { startServiceRig, type ServiceRig } from '../unit/agent/support/agent-rig.js';
import { cardCertificate, normSerial, serviceCertificates } from '../support/renewal-rig.js';
import { commandNames } from '../support/unlock-rig.js';
import { readInSecondReader, sponsorSignedIn, startPcscAgent, type PcscAgent } from './support/pcsc-agent.js';
import { runTool, type ToolResult } from './support/run-tool.js';
import { READER } from './support/virtual-card.js';

// Sponsor renewal ("Service smartcard" -> Renew smartcard certificate) through the real stack:
// the sponsor's card in vpcd slot 0, the holder's card due for renewal in slot 1, pcscd, the
// PC/SC reader driver, the agent and the embedded identity service over HTTP. Then third-party
// tools judge the renewed card: pkcs15-tool reads the new certificate, and pkcs11-tool signs
// with the card's key, which openssl verifies with the new certificate's key.

const HOLDER_SLOT = 1 as const;
const PKCS11_MODULE = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
const PASSCODE = '123456';

let rig: ServiceRig;
let pcsc: PcscAgent;

beforeAll(async () => {
  rig = await startServiceRig();
});
afterAll(async () => rig.close());

afterEach(async () => pcsc.close());

function renewal(): RenewalView {
  const screen = pcsc.agent.state().screen;
  if (screen.kind !== 'signed-in' || !screen.renewal) throw new Error(`no renewal under way: ${JSON.stringify(screen)}`);
  return screen.renewal;
}

function succeeded(result: ToolResult, what: string): ToolResult {
  expect(result.code, `${what} failed:\n${result.output}`).toBe(0);
  return result;
}

describe('sponsor renewal over pcscd + vpcd, two readers', () => {
  it('sponsor in 00 00, the holder\'s card in 00 01: renew -> the holder\'s passcode -> done; pkcs15-tool shows the new certificate and pkcs11-tool signs with its key', async () => {
    pcsc = startPcscAgent(rig.service.url, 'renewal');
    const { agent } = pcsc;
    const sponsor = await sponsorSignedIn(pcsc, (await rig.card('sponsor', { algorithm: 'p256' })).made.state, PASSCODE);

    const made = await rig.card('clinician', { algorithm: 'rsa2048', validDays: 40 });
    const holder = pcsc.card(HOLDER_SLOT, made.engine.snapshot());
    const oldCertificate = cardCertificate(holder.engine);
    const sponsorCommands = sponsor.log.length;

    await agent.handle('serviceCard.begin', {});
    await readInSecondReader(pcsc, holder, made.cardUuid, 'the holder card read in reader 2');
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
    const certificates = await serviceCertificates(rig.service, made.cardUuid);
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
