import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import forge from 'node-forge';
import { withPivCard } from '../../src-main/agent/card-transaction.js';
import { ALG, DEFAULT_MANAGEMENT_KEY, SLOT } from '../../src-main/card/piv/piv-constants.js';
import { localManagementKeyResponder } from '../../src-main/card/piv/piv-management-key.js';
import { PcscReaderDriver } from '../../src-main/pcsc/pcsc-reader-driver.js';
import { PivCardEngine, type CommandRecord } from '../../src-main/virtual-card/piv-card-engine.js';
import { loadOrCreateCardState, saveCardState } from '../../src-main/virtual-card/state-file.js';
import { VpcdCard, VPCD_BASE_PORT } from '../../src-main/virtual-card/vpcd-card.js';

// Bench fixtures: a virtual card in vpcd slot 0 behind the real pcscd, with a 9A key and a
// certificate, and the card's own command log for counting APDUs.

export const READER_0 = 'Virtual PCD 00 00';

/** How long a bench waits for an agent state: pcscd polls for cards, and the machine is shared. */
export const PCSC_STATE_MS = 20_000;

export interface BenchCard {
  readonly driver: PcscReaderDriver;
  readonly log: CommandRecord[];
  readonly dir: string;
  readonly certificatePem: string;
  close(): Promise<void>;
}

export function quickack(state: 'on' | 'off'): boolean {
  if (process.getuid?.() !== 0) return false;
  execFileSync('bash', ['native/linux/vpcd-quickack.sh', state], { stdio: 'ignore' });
  return true;
}

export async function startBenchCard(): Promise<BenchCard> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-card-'));
  const statePath = join(dir, 'card.json');
  const log: CommandRecord[] = [];
  const { state } = loadOrCreateCardState(statePath);
  const engine = new PivCardEngine(state, { onPersist: (s) => saveCardState(statePath, s), onCommand: (r) => log.push(r) });
  const vpcd = new VpcdCard({ engine, port: VPCD_BASE_PORT });
  const driver = new PcscReaderDriver();
  const inserted = new Promise<void>((resolve) => driver.on('card-inserted', (name) => name === READER_0 && resolve()));
  driver.start();
  await vpcd.insert();
  await inserted;
  const certificatePem = await withPivCard(
    driver,
    READER_0,
    async (piv) => {
      await piv.authenticateManagementKey(localManagementKeyResponder(ALG.TDES, DEFAULT_MANAGEMENT_KEY));
      const publicKey = await piv.generateKey(SLOT.AUTHENTICATION, ALG.RSA2048);
      const pem = issueTestCertificate(publicKey.export({ format: 'pem', type: 'spki' }).toString());
      await piv.writeCertificate(SLOT.AUTHENTICATION, Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(pem))).getBytes(), 'binary'));
      return pem;
    },
    { resetAfter: false },
  );
  return {
    driver,
    log,
    dir,
    certificatePem,
    close: async () => {
      // Wait until pcscd has seen the card go, so the next bench starts with an empty reader.
      const gone = new Promise<void>((resolve) => driver.on('card-removed', (name) => name === READER_0 && resolve()));
      await vpcd.remove();
      await gone;
      await driver.close();
    },
  };
}

/** A certificate for the card's key from a throwaway CA (bench only). */
function issueTestCertificate(subjectPublicKeyPem: string): string {
  const ca = forge.pki.rsa.generateKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(subjectPublicKeyPem);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  cert.setSubject([{ name: 'commonName', value: 'Bench Card Holder' }]);
  cert.setIssuer([{ name: 'commonName', value: 'Bench CA' }]);
  cert.sign(ca.privateKey, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert);
}
