import { X509Certificate, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parsePublicKeyTemplate } from '../../../src-main/card/piv/piv-public-key.js';
import { ALG } from '../../../src-main/card/piv/piv-constants.js';
import { blankCardState } from '../../../src-main/virtual-card/blank-card.js';
import { PivCardEngine } from '../../../src-main/virtual-card/piv-card-engine.js';
import { readAttestation, YUBICO_EXTENSION } from '../../../src-shared/card/piv-attestation.js';
import { parseCertificateObject } from '../../../src-shared/card/piv-objects.js';
import type { VirtualCardState } from '../../../src-shared/card/virtual-card-state.js';
import { apdu, authenticateDefault, block, FIXED_SERIAL, PIN_HEX, send, stateWithKeys } from './support/card-fixtures.js';

// Yubico ATTEST (INS F9) on the software card: a certificate for a slot's key, signed by the
// card's attestation key, for keys the card generated only; and GET DATA 5FFF01, the attestation
// key's certificate, which is what a verifier checks the attestation with.

const spki = (key: KeyObject): Buffer => key.export({ type: 'spki', format: 'der' });

/** ATTEST with an extended Le, so the whole certificate comes in one answer. */
const attest = (engine: PivCardEngine, slot: string) => send(engine, `00f9${slot}00000000`);

/** GET DATA 5FFF01 with an extended Le. */
const getAttestationObject = (engine: PivCardEngine) => send(engine, '00cb3fff0000055c035fff010000');

function attestationKeyCertificate(engine: PivCardEngine): X509Certificate {
  const answer = getAttestationObject(engine);
  expect(answer.sw).toBe('9000');
  return new X509Certificate(parseCertificateObject(Buffer.from(answer.data, 'hex')));
}

/** GENERATE in `slot` after management authentication: the new public key. */
function generate(engine: PivCardEngine, slot: string, alg: number): KeyObject {
  authenticateDefault(engine);
  const answer = send(engine, `0047 00${slot} 00 0005 ac038001${alg.toString(16).padStart(2, '0')} 0000`.replace(/\s/g, ''));
  expect(answer.sw).toBe('9000');
  return parsePublicKeyTemplate(alg, Buffer.from(answer.data, 'hex'));
}

/** The extnValue of a Yubico extension, by matching its OID's DER in the certificate. */
function extension(der: Buffer, oid: string): Buffer {
  const arcs = oid.split('.').map(Number);
  const base128 = (n: number): number[] => {
    const out = [n & 0x7f];
    for (let rest = n >> 7; rest > 0; rest >>= 7) out.unshift(0x80 | (rest & 0x7f));
    return out;
  };
  const body = [40 * arcs[0]! + arcs[1]!, ...arcs.slice(2).flatMap(base128)];
  const oidDer = Buffer.from([0x06, body.length, ...body]);
  const at = der.indexOf(oidDer);
  expect(at).toBeGreaterThan(0);
  const octets = at + oidDer.length;
  expect(der[octets]).toBe(0x04);
  return der.subarray(octets + 2, octets + 2 + der[octets + 1]!);
}

describe('ATTEST', () => {
  it.each([
    ['9a', ALG.ECC_P256, '0201'],
    ['9c', ALG.ECC_P256, '0301'],
    ['9e', ALG.RSA2048, '0101'],
  ])('a key generated in %s: a certificate for it, signed by the attestation key, naming the slot, serial, version and policies', (slot, alg, policy) => {
    const engine = new PivCardEngine(blankCardState(FIXED_SERIAL));
    const key = generate(engine, slot, alg);
    engine.reset();
    // No PIN and no management key: it discloses only a public key.
    const answer = attest(engine, slot);
    expect(answer.sw).toBe('9000');
    const der = Buffer.from(answer.data, 'hex');
    const certificate = new X509Certificate(der);
    const signer = attestationKeyCertificate(engine);
    expect(certificate.verify(signer.publicKey)).toBe(true);
    expect(certificate.checkIssued(signer)).toBe(true);
    expect(certificate.subject).toBe(`CN=PIV Attestation ${slot.toUpperCase()}`);
    expect(spki(certificate.publicKey).equals(spki(key))).toBe(true);
    expect(certificate.validFrom).toBe(signer.validFrom);
    expect(certificate.validTo).toBe(signer.validTo);
    expect(extension(der, YUBICO_EXTENSION.serialNumber).toString('hex')).toBe('02040a0b0c0d');
    expect(extension(der, YUBICO_EXTENSION.firmwareVersion).toString('hex')).toBe('050403');
    expect(extension(der, YUBICO_EXTENSION.policy).toString('hex')).toBe(policy);
    expect(readAttestation(der)).toMatchObject({ serial: FIXED_SERIAL, slot: parseInt(slot, 16) });
  });

  it('each answer is a new certificate (its own serial number) for the same key', () => {
    const engine = new PivCardEngine(blankCardState(FIXED_SERIAL));
    generate(engine, '9a', ALG.ECC_P256);
    const a = new X509Certificate(Buffer.from(attest(engine, '9a').data, 'hex'));
    const b = new X509Certificate(Buffer.from(attest(engine, '9a').data, 'hex'));
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(a.publicKey.equals(b.publicKey)).toBe(true);
  });

  it('a key written into the card from outside is refused (6A80), as a YubiKey refuses an imported key', () => {
    const imported = stateWithKeys({ '9a': 'p256', '9d': 'rsa2048' });
    const engine = new PivCardEngine(imported);
    expect(attest(engine, '9a').sw).toBe('6a80');
    expect(attest(engine, '9d').sw).toBe('6a80');
    const marked = structuredClone(imported);
    marked.keys['9a']!.origin = 'imported';
    expect(attest(new PivCardEngine(marked), '9a').sw).toBe('6a80');
  });

  it('an empty slot is 6A88; a reference that is not a key slot, or P2 other than 00, is 6A86', () => {
    const engine = new PivCardEngine(blankCardState(FIXED_SERIAL));
    expect(attest(engine, '9a').sw).toBe('6a88');
    expect(attest(engine, '9b').sw).toBe('6a86');
    expect(attest(engine, 'f9').sw).toBe('6a86');
    generate(engine, '9a', ALG.ECC_P256);
    expect(send(engine, '00f99a0100').sw).toBe('6a86');
  });

  it('answers in parts to a short Le (61xx, GET RESPONSE), as yubico-piv-tool reads it', () => {
    const engine = new PivCardEngine(blankCardState(FIXED_SERIAL));
    generate(engine, '9a', ALG.RSA2048);
    const first = send(engine, '00f99a0000');
    expect(first.sw.startsWith('61')).toBe(true);
    let data = first.data;
    let sw = first.sw;
    while (sw.startsWith('61')) {
      const next = send(engine, `00c00000${sw.slice(2)}`);
      data += next.data;
      sw = next.sw;
    }
    expect(sw).toBe('9000');
    const certificate = new X509Certificate(Buffer.from(data, 'hex'));
    expect(certificate.subject).toBe('CN=PIV Attestation 9A');
    expect(certificate.verify(attestationKeyCertificate(engine).publicKey)).toBe(true);
  });

  it('a card state from before attestation keys answers 6A81 (no such function) and has no 5FFF01', () => {
    const { attestation: _gone, ...old }: VirtualCardState = blankCardState(FIXED_SERIAL);
    const engine = new PivCardEngine(old);
    generate(engine, '9a', ALG.ECC_P256);
    expect(attest(engine, '9a').sw).toBe('6a81');
    expect(getAttestationObject(engine).sw).toBe('6a82');
  });
});

describe('the attestation key', () => {
  it('every blank card has its own, with a self-signed certificate that may sign certificates', () => {
    const a = blankCardState(1);
    const b = blankCardState(2);
    expect(a.attestation?.algorithm).toBe('p256');
    expect(a.attestation?.pkcs8).not.toBe(b.attestation?.pkcs8);
    const certificate = new X509Certificate(Buffer.from(a.attestation!.certificate, 'base64'));
    expect(certificate.verify(certificate.publicKey)).toBe(true);
    expect(certificate.ca).toBe(true);
    expect(certificate.subject).toBe('CN=Virtual PIV card attestation 1');
  });

  it('GET DATA 5FFF01 needs no PIN and answers the certificate object; the key is not a slot a host can use', () => {
    const state = blankCardState(FIXED_SERIAL);
    const engine = new PivCardEngine(state);
    const certificate = attestationKeyCertificate(engine);
    expect(certificate.raw.equals(Buffer.from(state.attestation!.certificate, 'base64'))).toBe(true);
    expect(send(engine, apdu('00 20 00 80', PIN_HEX)).sw).toBe('9000');
    // No signing, metadata or generation with F9.
    expect(send(engine, apdu('00 87 11 f9', '7c06820081020102', '00')).sw).not.toBe('9000');
    expect(send(engine, '00f700f900').sw).toBe('6a86');
    authenticateDefault(engine);
    expect(send(engine, apdu('00 47 00 f9', 'ac03800111', '00')).sw).toBe('6a86');
    expect(engine.snapshot().attestation).toEqual(state.attestation);
  });

  it('a certificate written to 5FFF01 is answered instead, and names the issuer of later attestations', () => {
    const engine = new PivCardEngine(blankCardState(FIXED_SERIAL));
    const other = Buffer.from(blankCardState(7).attestation!.certificate, 'base64');
    authenticateDefault(engine);
    const object = Buffer.concat([Buffer.from([0x53, 0x82, 0, 0]), Buffer.from([0x70, 0x82, other.length >> 8, other.length & 0xff]), other, Buffer.from('710100fe00', 'hex')]);
    object.writeUInt16BE(object.length - 4, 2);
    expect(send(engine, `00db3fff00${(object.length + 5).toString(16).padStart(4, '0')}5c035fff01${object.toString('hex')}`).sw).toBe('9000');
    expect(attestationKeyCertificate(engine).raw.equals(other)).toBe(true);
    generate(engine, '9a', ALG.ECC_P256);
    const attested = new X509Certificate(Buffer.from(attest(engine, '9a').data, 'hex'));
    expect(attested.issuer).toBe('CN=Virtual PIV card attestation 7');
  });

  it('survives a factory reset (both PIN and PUK blocked), as a YubiKey keeps its own', () => {
    const state = blankCardState(FIXED_SERIAL);
    const engine = new PivCardEngine(state);
    for (let i = 0; i < 3; i++) send(engine, apdu('00 20 00 80', block('999999')));
    for (let i = 0; i < 3; i++) send(engine, apdu('00 2c 00 80', block('99999999') + block('999999')));
    expect(send(engine, '00fb0000').sw).toBe('9000');
    expect(engine.snapshot().attestation).toEqual(state.attestation);
    const key = generate(engine, '9a', ALG.ECC_P256);
    const attested = new X509Certificate(Buffer.from(attest(engine, '9a').data, 'hex'));
    expect(attested.verify(attestationKeyCertificate(engine).publicKey)).toBe(true);
    expect(spki(attested.publicKey).equals(spki(key))).toBe(true);
  });
});
