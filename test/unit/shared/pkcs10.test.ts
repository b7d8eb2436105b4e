import { execFileSync, spawnSync } from 'node:child_process';
import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  assembleCertificationRequest,
  CertificationRequestError,
  certificationRequestInfo,
  verifyCertificationRequest,
  type RequestAlgorithm,
} from '../../../src-shared/crypto/pkcs10.js';

const dir = mkdtempSync(join(tmpdir(), 'pkcs10-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const keys = {
  rsa2048: generateKeyPairSync('rsa', { modulusLength: 2048 }),
  p256: generateKeyPairSync('ec', { namedCurve: 'P-256' }),
} satisfies Record<RequestAlgorithm, { publicKey: KeyObject; privateKey: KeyObject }>;

function buildRequest(algorithm: RequestAlgorithm, commonName = 'Amelia Hart'): Buffer {
  const { publicKey, privateKey } = keys[algorithm];
  const info = certificationRequestInfo({ spki: publicKey.export({ type: 'spki', format: 'der' }), commonName });
  // What the card produces: PKCS#1 v1.5 over SHA-256 for RSA, a DER ECDSA signature for P-256.
  return assembleCertificationRequest(info, algorithm, sign('sha256', info, privateKey));
}

function openssl(args: string[]): string {
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function expectRefused(der: Buffer): void {
  let thrown: unknown;
  try {
    verifyCertificationRequest(der);
  } catch (e) {
    thrown = e;
  }
  expect(thrown).toBeInstanceOf(CertificationRequestError);
}

describe.each(['rsa2048', 'p256'] as const)('PKCS#10 with %s', (algorithm) => {
  const der = buildRequest(algorithm);

  it('round-trips: key, algorithm and common name come back', () => {
    const verified = verifyCertificationRequest(der);
    expect(verified.algorithm).toBe(algorithm);
    expect(verified.commonName).toBe('Amelia Hart');
    const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
    expect(spki(verified.publicKey).equals(spki(keys[algorithm].publicKey))).toBe(true);
  });

  it('is accepted by openssl req -verify', () => {
    const file = join(dir, `${algorithm}.csr`);
    writeFileSync(file, der);
    const run = spawnSync('openssl', ['req', '-verify', '-in', file, '-inform', 'DER', '-noout', '-subject'], { encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stdout + run.stderr).toMatch(/verify OK/);
    expect(run.stdout).toContain('Amelia Hart');
  });

  it('refuses a tampered signature, subject or key', () => {
    const flipAt = (offset: number) => {
      const copy = Buffer.from(der);
      copy[offset] = (copy[offset] as number) ^ 0x01;
      return copy;
    };
    expectRefused(flipAt(der.length - 1)); // the signature's last byte
    expectRefused(flipAt(der.indexOf(Buffer.from('Amelia')))); // the subject
    const spki = keys[algorithm].publicKey.export({ type: 'spki', format: 'der' });
    expectRefused(flipAt(der.indexOf(spki) + spki.length - 2)); // the key
  });

  it('refuses every truncation and trailing bytes', () => {
    for (let n = 0; n < der.length; n++) expectRefused(der.subarray(0, n));
    expectRefused(Buffer.concat([der, Buffer.from([0x00])]));
    expectRefused(Buffer.concat([der, der]));
  });

  it('refuses a signature made by another key', () => {
    const other = algorithm === 'rsa2048' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const info = certificationRequestInfo({ spki: keys[algorithm].publicKey.export({ type: 'spki', format: 'der' }), commonName: 'Amelia Hart' });
    expectRefused(assembleCertificationRequest(info, algorithm, sign('sha256', info, other.privateKey)));
  });

  it('refuses the other algorithm identifier for this key', () => {
    const info = certificationRequestInfo({ spki: keys[algorithm].publicKey.export({ type: 'spki', format: 'der' }), commonName: 'Amelia Hart' });
    const otherAlgorithm = algorithm === 'rsa2048' ? 'p256' : 'rsa2048';
    expectRefused(assembleCertificationRequest(info, otherAlgorithm, sign('sha256', info, keys[algorithm].privateKey)));
  });
});

describe('PKCS#10 from openssl req -new', () => {
  it.each([
    ['rsa2048', ['-newkey', 'rsa:2048']],
    ['p256', ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256']],
  ] as const)('verifies a %s request openssl made', (algorithm, keyArgs) => {
    const file = join(dir, `openssl-${algorithm}.csr`);
    openssl(['req', '-new', ...keyArgs, '-nodes', '-keyout', join(dir, `openssl-${algorithm}.key`), '-subj', '/O=NHS/CN=Ravi Patel', '-sha256', '-outform', 'DER', '-out', file]);
    const verified = verifyCertificationRequest(readFileSync(file));
    expect(verified).toMatchObject({ algorithm, commonName: 'Ravi Patel' });
  });

  it('reports an RSA key of another size as no card algorithm', () => {
    const file = join(dir, 'openssl-rsa3072.csr');
    openssl(['req', '-new', '-newkey', 'rsa:3072', '-nodes', '-keyout', join(dir, 'rsa3072.key'), '-subj', '/CN=Ravi Patel', '-sha256', '-outform', 'DER', '-out', file]);
    expect(verifyCertificationRequest(readFileSync(file)).algorithm).toBeUndefined();
  });

  it('refuses a request signed with SHA-1', () => {
    const file = join(dir, 'openssl-sha1.csr');
    openssl(['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', join(dir, 'sha1.key'), '-subj', '/CN=Ravi Patel', '-sha1', '-outform', 'DER', '-out', file]);
    expectRefused(readFileSync(file));
  });
});

describe('malformed requests', () => {
  const der = buildRequest('p256');

  it('refuses non-DER encodings of the same request', () => {
    // The outer length in long form with a leading zero byte: valid BER, not DER.
    const bodyLength = der.length - 2 - (der[1] === 0x81 ? 1 : der[1] === 0x82 ? 2 : 0);
    const body = der.subarray(der.length - bodyLength);
    expectRefused(Buffer.concat([Buffer.from([0x30, 0x83, 0x00, bodyLength >> 8, bodyLength & 0xff]), body]));
    // Indefinite length.
    expectRefused(Buffer.concat([Buffer.from([0x30, 0x80]), body, Buffer.from([0, 0])]));
  });

  it('refuses garbage, empty input and oversized input, all with the typed error', () => {
    expectRefused(Buffer.alloc(0));
    expectRefused(Buffer.from('not a request'));
    expectRefused(Buffer.from([0x30, 0x00]));
    expectRefused(Buffer.from([0x30, 0x03, 0x02, 0x01, 0x00]));
    expectRefused(Buffer.alloc(5000, 0x30));
    // A deep nest of SEQUENCEs, which a naive recursive parser would follow.
    const deep = Buffer.alloc(400);
    for (let i = 0; i < 200; i++) deep.set([0x30, 398 - 2 * i > 127 ? 0x00 : 398 - 2 * i], 2 * i);
    expectRefused(deep);
  });

  it('refuses random single-byte corruptions with the typed error only', () => {
    for (let i = 0; i < der.length; i++) {
      for (const mask of [0x01, 0x80, 0xff]) {
        const copy = Buffer.from(der);
        copy[i] = (copy[i] as number) ^ mask;
        expectRefused(copy);
      }
    }
  });

  it('refuses a version other than 0', () => {
    const info = certificationRequestInfo({ spki: keys.p256.publicKey.export({ type: 'spki', format: 'der' }), commonName: 'Amelia Hart' });
    const bad = Buffer.from(info);
    const at = bad.indexOf(Buffer.from([0x02, 0x01, 0x00]));
    bad[at + 2] = 1;
    expectRefused(assembleCertificationRequest(bad, 'p256', sign('sha256', bad, keys.p256.privateKey)));
  });

  it('refuses names it cannot lay out', () => {
    const spki = keys.p256.publicKey.export({ type: 'spki', format: 'der' });
    expect(() => certificationRequestInfo({ spki, commonName: '' })).toThrow(CertificationRequestError);
    expect(() => certificationRequestInfo({ spki, commonName: 'x'.repeat(65) })).toThrow(CertificationRequestError);
    expect(() => certificationRequestInfo({ spki: Buffer.from([0x30, 0x00, 0x00]), commonName: 'A' })).toThrow(CertificationRequestError);
  });

  it('keeps a non-ASCII common name', () => {
    const spki = keys.p256.publicKey.export({ type: 'spki', format: 'der' });
    const info = certificationRequestInfo({ spki, commonName: 'Siân Ó Dónaill' });
    const der2 = assembleCertificationRequest(info, 'p256', sign('sha256', info, keys.p256.privateKey));
    expect(verifyCertificationRequest(der2).commonName).toBe('Siân Ó Dónaill');
  });
});
