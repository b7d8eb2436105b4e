import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { X509Certificate, verify } from 'node:crypto';
import { withPivCard } from '../src-main/agent/card-transaction.js';
import { ALG, SLOT } from '../src-main/card/piv/piv-constants.js';
import { fmt, median, percentile } from './support/stats.js';
import { runIfMain } from './support/run-main.js';
import { quickack, READER_0, startBenchCard, type BenchCard } from './support/pcsc-card.js';

// "Read certificate + verify PIN + sign 32 bytes" on one card through pcscd + vpcd: our card edge
// (first use, and with the certificate cached) against pkcs11-tool (OpenSC) doing the same job.
// APDUs are counted from the virtual card's own log, so both sides are counted the same way.

const PKCS11 = '/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so';
const RUNS = 30;

async function ours(card: BenchCard, cachedCertificate?: Buffer): Promise<{ ms: number; apdus: number; der: Buffer }> {
  const before = card.log.length;
  const t0 = performance.now();
  const message = Buffer.alloc(32, 0x5a);
  const der = await withPivCard(card.driver, READER_0, async (piv) => {
    const cert = cachedCertificate ?? (await piv.readCertificate(SLOT.AUTHENTICATION));
    if (!cert) throw new Error('no certificate on the card');
    await piv.verifyPin(Buffer.from('123456'));
    const signature = await piv.sign(SLOT.AUTHENTICATION, ALG.RSA2048, message);
    if (!verify('sha256', message, new X509Certificate(cert).publicKey, signature)) throw new Error('signature does not verify');
    return cert;
  });
  return { ms: performance.now() - t0, apdus: card.log.length - before, der };
}

function pkcs11Sign(card: BenchCard): Promise<{ ms: number; apdus: number }> {
  const input = join(card.dir, 'in.bin');
  writeFileSync(input, Buffer.alloc(32, 0x5a));
  const before = card.log.length;
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('pkcs11-tool', ['--module', PKCS11, '--login', '--pin', '123456', '--sign', '-m', 'SHA256-RSA-PKCS', '--id', '01', '-i', input, '-o', join(card.dir, 'sig.bin')], { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`pkcs11-tool exited ${code}`));
      else resolve({ ms: performance.now() - t0, apdus: card.log.length - before });
    });
  });
}

export async function benchSignFlow(): Promise<void> {
  console.log('# Read certificate + verify PIN + sign 32 bytes (RSA-2048, pcscd + vpcd, quickack on)');
  const card = await startBenchCard();
  try {
    quickack('on');
    const first = await ours(card);
    const firstUse: number[] = [];
    const cached: number[] = [];
    let cachedApdus = 0;
    for (let i = 0; i < RUNS; i++) firstUse.push((await ours(card)).ms);
    for (let i = 0; i < RUNS; i++) {
      const r = await ours(card, first.der);
      cached.push(r.ms);
      cachedApdus = r.apdus;
    }
    const tool: number[] = [];
    let toolApdus = 0;
    for (let i = 0; i < Math.min(RUNS, 10); i++) {
      const r = await pkcs11Sign(card);
      tool.push(r.ms);
      toolApdus = r.apdus;
    }
    const line = (label: string, apdus: number, samples: number[]): void =>
      console.log(`${label.padEnd(36)} APDUs ${String(apdus).padStart(3)}  median ${fmt(median(samples)).padStart(9)}  p95 ${fmt(percentile(samples, 95)).padStart(9)}`);
    line('card edge, first use', first.apdus, firstUse);
    line('card edge, certificate cached', cachedApdus, cached);
    line('pkcs11-tool (OpenSC), whole process', toolApdus, tool);
    console.log(`targets: <= 8 APDUs first use (${first.apdus <= 8 ? 'met' : 'MISSED'}), <= 4 cached (${cachedApdus <= 4 ? 'met' : 'MISSED'}); APDU ratio pkcs11-tool/ours ${(toolApdus / first.apdus).toFixed(1)}x`);
  } finally {
    await card.close();
  }
}

runIfMain(import.meta.url, benchSignFlow);
