import { readFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AgentIndicator } from '../../../../src-shared/api/agent-api.js';
import { TRAY_DESIGNS } from '../../../../build/icon-designs.js';
import { encodePng, PNG_SIGNATURE, rasterise } from '../../../../build/icon-raster.js';

// The committed icons: a 16 and a 32 px PNG and an .ico per indicator state, a 256 px app icon,
// each a valid PNG of the right size, each state different, and all up to date with the designs.

const iconFile = (name: string): Buffer => readFileSync(new URL(`../../../../build/${name}`, import.meta.url));

function decode(png: Buffer): { width: number; height: number; pixels: Buffer } {
  expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
  expect(png.toString('ascii', 12, 16)).toBe('IHDR');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  let offset = 8;
  const idat: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    if (type === 'IDAT') idat.push(png.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  return { width, height, pixels: inflateSync(Buffer.concat(idat)) };
}

describe('tray icons', () => {
  it.each(AgentIndicator.options)('%s: 16 px, 32 px (@2x) and an .ico holding both', (state) => {
    const small = iconFile(`tray/${state}.png`);
    const large = iconFile(`tray/${state}@2x.png`);
    expect(decode(small)).toMatchObject({ width: 16, height: 16 });
    expect(decode(large)).toMatchObject({ width: 32, height: 32 });
    const ico = iconFile(`tray/${state}.ico`);
    expect(ico.readUInt16LE(2)).toBe(1);
    expect(ico.readUInt16LE(4)).toBe(2);
    expect(ico.includes(small)).toBe(true);
    expect(ico.includes(large)).toBe(true);
  });

  it('each state looks different', () => {
    const images = AgentIndicator.options.map((s) => decode(iconFile(`tray/${s}@2x.png`)).pixels.toString('hex'));
    expect(new Set(images).size).toBe(AgentIndicator.options.length);
  });

  it('the committed files are what the designs make now (rerun `npm run icons` after a change)', () => {
    for (const state of AgentIndicator.options) {
      expect(iconFile(`tray/${state}.png`).equals(encodePng(rasterise(TRAY_DESIGNS[state], 16), 16))).toBe(true);
    }
  });
});

describe('app icon', () => {
  it('is a 256 px PNG with no transparent middle', () => {
    const { width, height, pixels } = decode(iconFile('icon.png'));
    expect([width, height]).toEqual([256, 256]);
    const centre = 128 * (256 * 4 + 1) + 1 + 128 * 4;
    expect(pixels[centre + 3]).toBe(255);
  });
});
