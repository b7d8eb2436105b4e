import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCard } from '../../../../src-service/ca/card-factory.js';
import { startService } from '../../../../src-service/start-service.js';
import { actor, addOrg, addUser, testStorage } from '../../../support/service-fixtures.js';
import { call, holder, startServiceRig, type ServiceRig } from '../support/card-login-rig.js';

// The CA's revocation list, judged by the real OpenSSL command line: the list the service serves
// parses as an X.509 v2 CRL signed by the issuing CA, every issued certificate names where it is,
// and `openssl verify -crl_check` accepts a card's certificate until the card is cancelled and
// refuses it as revoked after.

let rig: ServiceRig;
let dir: string;
beforeAll(async () => {
  rig = await startServiceRig();
  dir = mkdtempSync(join(tmpdir(), 'cis-crl-'));
  const { ca } = rig.service.ctx;
  writeFileSync(join(dir, 'chain.pem'), ca.root.toString() + ca.issuing.toString());
});
afterAll(async () => {
  await rig.close();
  rmSync(dir, { recursive: true, force: true });
});

const pem = (label: string, der: Buffer): string => `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n?$/, '\n')}-----END ${label}-----\n`;

/** GET /v1/ca/crl as a relying party fetches it: no session, DER. */
async function fetchCrl(): Promise<{ der: Buffer; contentType: string | null }> {
  const res = await fetch(`${rig.service.url}/v1/ca/crl`);
  expect(res.status).toBe(200);
  return { der: Buffer.from(await res.arrayBuffer()), contentType: res.headers.get('content-type') };
}

function crlText(der: Buffer): string {
  return execFileSync('openssl', ['crl', '-inform', 'DER', '-text', '-noout'], { input: der }).toString();
}

/** `openssl verify -crl_check` of `certificateDer` against the chain and `crlDer`: its whole output and exit status. */
function verify(certificateDer: Buffer, crlDer: Buffer): { ok: boolean; output: string } {
  const name = `v${Math.random().toString(36).slice(2)}`;
  writeFileSync(join(dir, `${name}.crl.pem`), pem('X509 CRL', crlDer));
  writeFileSync(join(dir, `${name}.cert.pem`), pem('CERTIFICATE', certificateDer));
  const run = spawnSync('openssl', ['verify', '-crl_check', '-CAfile', join(dir, 'chain.pem'), '-CRLfile', join(dir, `${name}.crl.pem`), join(dir, `${name}.cert.pem`)]);
  return { ok: run.status === 0, output: `${run.stdout.toString()}${run.stderr.toString()}` };
}

const crlNumberOf = (text: string): number => Number(/X509v3 CRL Number:\s*\n\s*(\d+)/.exec(text)?.[1]);

async function cardWithRa() {
  const h = await holder(rig.db);
  const card = await makeCard(rig.service.ctx, { userUuid: h.userUuid, algorithm: 'p256' });
  const ra = await actor(rig.db, h.orgId, ['RAM'], 'Sean');
  return { card, ra };
}

describe('the revocation list, judged by openssl', () => {
  it('rule: openssl verify -crl_check says OK for a card certificate before the card is cancelled, and "certificate revoked" after', async () => {
    const { card, ra } = await cardWithRa();
    const before = verify(card.certificate.der, (await fetchCrl()).der);
    expect(before.output).toMatch(/: OK\s*$/);
    expect(before.ok).toBe(true);

    expect((await call(rig.service, 'POST', `/v1/smartcards/${card.cardUuid}/cancel`, { reason: 'lost' }, ra.token)).status).toBe(200);
    const after = verify(card.certificate.der, (await fetchCrl()).der);
    expect(after.ok).toBe(false);
    expect(after.output).toMatch(/certificate revoked/);
  });

  it('rule: the served list is DER application/pkix-crl that openssl crl -inform DER parses: v2, issued by the issuing CA, with its key identifier, a CRL number and a current thisUpdate/nextUpdate', async () => {
    const { der, contentType } = await fetchCrl();
    expect(contentType).toBe('application/pkix-crl');
    const text = crlText(der);
    expect(text).toMatch(/Version 2 \(0x1\)/);
    expect(text).toMatch(/Issuer: O = Care Identity Service, CN = Care Identity Smartcard Issuing CA/);
    expect(text).toMatch(/Signature Algorithm: sha256WithRSAEncryption/);
    const issuingText = execFileSync('openssl', ['x509', '-noout', '-ext', 'subjectKeyIdentifier'], { input: rig.service.ctx.ca.issuing.toString() }).toString();
    const keyId = /\n\s*([0-9A-F:]+)\s*$/.exec(issuingText)?.[1];
    expect(keyId).toBeDefined();
    expect(text).toContain(`X509v3 Authority Key Identifier: \n                ${keyId}`);
    expect(crlNumberOf(text)).toBeGreaterThanOrEqual(0);
    const thisUpdate = new Date(/Last Update: (.+)/.exec(text)?.[1] ?? '');
    const nextUpdate = new Date(/Next Update: (.+)/.exec(text)?.[1] ?? '');
    expect(thisUpdate.getTime()).toBeLessThanOrEqual(Date.now());
    expect(Date.now() - thisUpdate.getTime()).toBeLessThan(3_600_000 + 120_000);
    expect(nextUpdate.getTime()).toBeGreaterThan(Date.now());
    // Signed by the issuing CA: openssl checks the signature with its certificate.
    writeFileSync(join(dir, 'sig.crl.der'), der);
    const signature = spawnSync('openssl', ['crl', '-inform', 'DER', '-in', join(dir, 'sig.crl.der'), '-CAfile', join(dir, 'chain.pem'), '-noout']);
    expect(signature.stderr.toString()).toMatch(/verify OK/);
  });

  it('rule: every issued card certificate names the service URL + /v1/ca/crl as its CRL distribution point', async () => {
    const { card } = await cardWithRa();
    const text = execFileSync('openssl', ['x509', '-inform', 'DER', '-noout', '-ext', 'crlDistributionPoints'], { input: card.certificate.der }).toString();
    expect(text).toContain(`URI:${rig.service.url}/v1/ca/crl`);
  });

  it('rule: lost and stolen are listed as key compromise, damaged and no longer needed as cessation of operation; the CRL number grows with every revocation', async () => {
    const start = crlNumberOf(crlText((await fetchCrl()).der));
    const serials: Record<string, string> = {};
    for (const reason of ['lost', 'stolen', 'damaged', 'not-needed'] as const) {
      const { card, ra } = await cardWithRa();
      expect((await call(rig.service, 'POST', `/v1/smartcards/${card.cardUuid}/cancel`, { reason }, ra.token)).status).toBe(200);
      serials[reason] = card.certificate.serial.toUpperCase();
    }
    const text = crlText((await fetchCrl()).der);
    expect(crlNumberOf(text)).toBe(start + 4);
    const reasonOf = (serial: string): string | undefined => new RegExp(`Serial Number: 0*${serial}[\\s\\S]*?CRL Reason Code:\\s*\\n\\s*(.+)`).exec(text)?.[1]?.trim();
    expect(reasonOf(serials.lost as string)).toBe('Key Compromise');
    expect(reasonOf(serials.stolen as string)).toBe('Key Compromise');
    expect(reasonOf(serials.damaged as string)).toBe('Cessation Of Operation');
    expect(reasonOf(serials['not-needed'] as string)).toBe('Cessation Of Operation');
  });

  it('rule: the list is kept while nothing is revoked and made again at once after a revocation', async () => {
    const first = (await fetchCrl()).der;
    expect((await fetchCrl()).der.equals(first)).toBe(true);
    const { card, ra } = await cardWithRa();
    expect((await call(rig.service, 'POST', `/v1/smartcards/${card.cardUuid}/cancel`, { reason: 'damaged' }, ra.token)).status).toBe(200);
    const next = (await fetchCrl()).der;
    expect(next.equals(first)).toBe(false);
    expect(crlNumberOf(crlText(next))).toBe(crlNumberOf(crlText(first)) + 1);
  });
});

describe('where certificates say the revocation list is', () => {
  it("rule: a service with a public origin configured (serviceOrigin) names that origin + /v1/ca/crl, not its listening address", async () => {
    const storage = testStorage('cis-crl-origin-');
    const service = await startService({ ...storage, serviceOrigin: 'https://cis.example.nhs.uk/' });
    try {
      const org = await addOrg(service.ctx.db, { code: 'RCRL', name: 'Trust RCRL' });
      const user = await addUser(service.ctx.db, { given: 'Ola', family: 'Ade', homeOrgId: org.id });
      const card = await makeCard(service.ctx, { userUuid: user.uuid, algorithm: 'p256' });
      const text = execFileSync('openssl', ['x509', '-inform', 'DER', '-noout', '-ext', 'crlDistributionPoints'], { input: card.certificate.der }).toString();
      expect(text).toContain('URI:https://cis.example.nhs.uk/v1/ca/crl');
      expect(text).not.toContain(service.url);
    } finally {
      await service.close();
      rmSync(dirname(storage.secretFile), { recursive: true, force: true });
    }
  });
});
