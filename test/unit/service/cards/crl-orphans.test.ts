import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../cim/cim-harness.js';
import { blankCard, issueUntil, people, step } from './issue-support.js';

// Certificates of issues that never finished are revoked all the same (orphan_certificates): the
// revocation list names them, so a certificate the CA signed for a card that was pulled half way
// is refused by anyone checking it. And a certificate made by an issue names the list. Judged by
// openssl at the service's (test) time.

let h: Harness;
let dir: string;
beforeAll(async () => {
  h = await startHarness();
  dir = mkdtempSync(join(tmpdir(), 'cis-crl-orphan-'));
  writeFileSync(join(dir, 'chain.pem'), h.service.ctx.ca.root.toString() + h.service.ctx.ca.issuing.toString());
});
afterAll(async () => {
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

const pem = (label: string, der: Buffer): string => `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END ${label}-----\n`;

async function verifyAtServiceTime(certificate: Buffer): Promise<{ ok: boolean; output: string }> {
  const crl = Buffer.from(await (await fetch(`${h.url}/v1/ca/crl`)).arrayBuffer());
  writeFileSync(join(dir, 'crl.pem'), pem('X509 CRL', crl));
  writeFileSync(join(dir, 'cert.pem'), pem('CERTIFICATE', certificate));
  // The service's clock is set in these tests: openssl checks at that time too.
  const at = String(Math.floor(h.service.ctx.now().getTime() / 1000) + 60);
  const run = spawnSync('openssl', ['verify', '-attime', at, '-crl_check', '-CAfile', join(dir, 'chain.pem'), '-CRLfile', join(dir, 'crl.pem'), join(dir, 'cert.pem')]);
  return { ok: run.status === 0, output: `${run.stdout.toString()}${run.stderr.toString()}` };
}

describe('the revocation list and issues that never finished', () => {
  it('rule: the certificate of an abandoned issue is listed as revoked (openssl: "certificate revoked"); before the abandon it was not', async () => {
    const p = await people(h);
    const issued = await issueUntil(h, p, blankCard(), 'personalise');
    const certificate = issued.certificate as Buffer;
    expect((await verifyAtServiceTime(certificate)).ok).toBe(true);
    expect((await step(h, p.ra.token, issued.operationId, 'abandon', { reason: 'card-removed' })).status).toBe(200);
    const after = await verifyAtServiceTime(certificate);
    expect(after.ok).toBe(false);
    expect(after.output).toMatch(/certificate revoked/);
  });

  it('rule: the certificate of an issue that expired unfinished is listed as revoked even if its card never comes back', async () => {
    const p = await people(h);
    const issued = await issueUntil(h, p, blankCard(), 'personalise');
    const certificate = issued.certificate as Buffer;
    expect((await verifyAtServiceTime(certificate)).ok).toBe(true);
    h.setNow(new Date(h.service.ctx.now().getTime() + 15 * 60_000 + 1));
    try {
      const after = await verifyAtServiceTime(certificate);
      expect(after.ok).toBe(false);
      expect(after.output).toMatch(/certificate revoked/);
    } finally {
      h.resetClock();
    }
  });

  it('rule: a certificate made by an issue names the service URL + /v1/ca/crl as its CRL distribution point', async () => {
    const p = await people(h);
    const issued = await issueUntil(h, p, blankCard(), 'certificate');
    const text = spawnSync('openssl', ['x509', '-inform', 'DER', '-noout', '-ext', 'crlDistributionPoints'], { input: issued.certificate }).stdout.toString();
    expect(text).toContain(`URI:${h.url}/v1/ca/crl`);
  });
});
