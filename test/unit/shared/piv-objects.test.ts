import { generateKeyPairSync, randomUUID, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  encodeCertificateObject,
  encodeChuid,
  guidToUuid,
  parseCertificateObject,
  parseChuid,
  uuidToGuid,
} from '../../../src-shared/card/piv-objects.js';
import { tlv, TlvError } from '../../../src-shared/card/tlv.js';
import { fromHex } from '../../../src-main/card/bytes.js';

function selfSignedCertificate(commonName: string): Buffer {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ format: 'pem', type: 'spki' }).toString());
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date('2024-01-01T00:00:00Z');
  cert.validity.notAfter = new Date('2034-01-01T00:00:00Z');
  const attrs = [{ name: 'commonName', value: commonName }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(forge.pki.privateKeyFromPem(privateKey.export({ format: 'pem', type: 'pkcs1' }).toString()), forge.md.sha256.create());
  return Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary');
}

describe('certificate object (53 { 70 DER, 71 CertInfo, FE LRC })', () => {
  let der: Buffer;
  beforeAll(() => {
    der = selfSignedCertificate('Test Clinician 9A');
  });

  it('encodes the exact layout for a small value', () => {
    expect(encodeCertificateObject(fromHex('308200')).toString('hex')).toBe('530a' + '7003308200' + '710100' + 'fe00');
  });

  it('round trips a real X.509 certificate', () => {
    const object = encodeCertificateObject(der);
    expect(object.subarray(0, 2)).toEqual(fromHex('53 82'));
    const parsed = parseCertificateObject(object);
    expect(parsed).toEqual(der);
    expect(new X509Certificate(parsed).subject).toBe('CN=Test Clinician 9A');
  });

  it('returns a copy that survives wiping the card response buffer', () => {
    const object = encodeCertificateObject(der);
    const parsed = parseCertificateObject(object);
    object.fill(0);
    expect(parsed).toEqual(der);
  });

  it('accepts an object without CertInfo or LRC', () => {
    expect(parseCertificateObject(tlv(0x53, tlv(0x70, der)))).toEqual(der);
  });

  it.each(['01', '03', '81'])('refuses a compressed certificate (CertInfo %s has bit 0 set)', (info) => {
    const object = tlv(0x53, tlv(0x70, der), tlv(0x71, fromHex(info)), tlv(0xfe));
    expect(() => parseCertificateObject(object)).toThrow(TlvError);
    expect(() => parseCertificateObject(object)).toThrow(/compressed/);
  });

  it.each([
    ['empty', ''],
    ['an empty data object (53 00, as after a delete)', '53 00'],
    ['no 70 certificate tag', '53 05 71 01 00 fe 00'],
    ['an empty 70 certificate', '53 07 70 00 71 01 00 fe 00'],
    ['a Discovery object instead of 53', '7e 05 70 03 30 82 00'],
    ['bytes after the object', '53 05 70 03 30 82 00 90 00'],
    ['a truncated certificate', '53 05 70 09 30 82 00'],
    ['inner bytes that are not TLVs', '53 03 70 05 30'],
    ['a length byte of 0x84', '53 84 00 00 00 05 70 03 30 82 00'],
  ])('throws TlvError for %s', (_what, object) => {
    expect(() => parseCertificateObject(fromHex(object))).toThrow(TlvError);
  });
});

describe('CHUID and the card GUID', () => {
  const guid = fromHex('6f1a3c2e 9b4d 4e8f a012 3456789abcde');

  it('round trips the GUID, FASC-N and expiry', () => {
    const object = encodeChuid(guid, '20301231');
    const chuid = parseChuid(object);
    expect(chuid.guid).toEqual(guid);
    expect(chuid.expiry).toBe('20301231');
    expect(chuid.fascn?.length).toBe(25);
  });

  it('puts the GUID in tag 34 and defaults the expiry to 20991231', () => {
    const object = encodeChuid(guid);
    expect(object.includes(Buffer.concat([fromHex('34 10'), guid]))).toBe(true);
    expect(parseChuid(object).expiry).toBe('20991231');
  });

  it('leaves FASC-N and expiry out when the card has none', () => {
    const chuid = parseChuid(tlv(0x53, tlv(0x34, guid), tlv(0x3e), tlv(0xfe)));
    expect(chuid).toEqual({ guid });
  });

  it('refuses to encode a GUID that is not 16 bytes or a malformed expiry', () => {
    expect(() => encodeChuid(guid.subarray(0, 15))).toThrow(RangeError);
    expect(() => encodeChuid(guid, '2099-12-31')).toThrow(RangeError);
  });

  it.each([
    ['no GUID', tlv(0x53, tlv(0x30, Buffer.alloc(25)), tlv(0x35, Buffer.from('20991231')))],
    ['a 15-byte GUID', tlv(0x53, tlv(0x34, Buffer.alloc(15)))],
    ['a 17-byte GUID', tlv(0x53, tlv(0x34, Buffer.alloc(17)))],
    ['a certificate object tag', tlv(0x70, tlv(0x34, Buffer.alloc(16)))],
    ['a truncated object', fromHex('53 12 34 10 00 00')],
    ['trailing bytes', Buffer.concat([tlv(0x53, tlv(0x34, Buffer.alloc(16))), fromHex('00')])],
  ])('throws TlvError for a CHUID with %s', (_what, object) => {
    expect(() => parseChuid(object)).toThrow(TlvError);
  });

  it('formats a GUID as a lowercase UUID and back', () => {
    expect(guidToUuid(guid)).toBe('6f1a3c2e-9b4d-4e8f-a012-3456789abcde');
    expect(uuidToGuid('6f1a3c2e-9b4d-4e8f-a012-3456789abcde')).toEqual(guid);
    expect(uuidToGuid('6F1A3C2E-9B4D-4E8F-A012-3456789ABCDE')).toEqual(guid);
  });

  it('round trips random UUIDs through the CHUID', () => {
    for (let i = 0; i < 20; i++) {
      const uuid = randomUUID();
      expect(guidToUuid(parseChuid(encodeChuid(uuidToGuid(uuid))).guid)).toBe(uuid);
    }
  });

  it.each([
    '',
    'not-a-uuid',
    '6f1a3c2e-9b4d-4e8f-a012-3456789abcd',
    '6f1a3c2e-9b4d-4e8f-a012-3456789abcdeff',
    '6g1a3c2e-9b4d-4e8f-a012-3456789abcde',
  ])('uuidToGuid refuses %j', (text) => {
    expect(() => uuidToGuid(text)).toThrow(RangeError);
  });
});
