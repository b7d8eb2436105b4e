import { deflateSync } from 'node:zlib';

// A tiny rasteriser and PNG/ICO writer for the app's icons, so they are made from source by a
// committed script (no image tools, no downloads). Shapes are signed-distance functions in a
// unit square; each pixel is sampled 4x4 times for smooth edges. Output is deterministic.

export type Rgba = readonly [number, number, number, number];
/** Negative inside the shape, positive outside; coordinates in 0..1 with y pointing down. */
export type Shape = (x: number, y: number) => number;
export interface Layer {
  readonly shape: Shape;
  readonly colour: Rgba;
}

export const circle = (cx: number, cy: number, r: number): Shape => (x, y) => Math.hypot(x - cx, y - cy) - r;
export const ring = (cx: number, cy: number, r: number, width: number): Shape => (x, y) => Math.abs(Math.hypot(x - cx, y - cy) - r) - width / 2;
export const roundedRect = (x0: number, y0: number, x1: number, y1: number, radius: number): Shape => (x, y) => {
  const hx = (x1 - x0) / 2 - radius;
  const hy = (y1 - y0) / 2 - radius;
  const dx = Math.abs(x - (x0 + x1) / 2) - hx;
  const dy = Math.abs(y - (y0 + y1) / 2) - hy;
  return Math.hypot(Math.max(dx, 0), Math.max(dy, 0)) + Math.min(Math.max(dx, dy), 0) - radius;
};
/** A line segment with round ends, `width` across. */
export const stroke = (ax: number, ay: number, bx: number, by: number, width: number): Shape => (x, y) => {
  const px = x - ax;
  const py = y - ay;
  const vx = bx - ax;
  const vy = by - ay;
  const t = Math.max(0, Math.min(1, (px * vx + py * vy) / (vx * vx + vy * vy)));
  return Math.hypot(px - t * vx, py - t * vy) - width / 2;
};
/** A triangle pointing up, rounded by `radius`. */
export const triangle = (cx: number, top: number, bottom: number, halfWidth: number, radius: number): Shape => {
  const corners: Array<[number, number]> = [
    [cx, top],
    [cx + halfWidth, bottom],
    [cx - halfWidth, bottom],
  ];
  return (x, y) => {
    let inside = true;
    let distance = Infinity;
    for (let i = 0; i < 3; i++) {
      const [ax, ay] = corners[i] as [number, number];
      const [bx, by] = corners[(i + 1) % 3] as [number, number];
      const cross = (bx - ax) * (y - ay) - (by - ay) * (x - ax);
      if (cross < 0) inside = false;
      distance = Math.min(distance, stroke(ax, ay, bx, by, 0)(x, y));
    }
    return (inside ? -distance : distance) - radius;
  };
};
export const union = (...shapes: Shape[]): Shape => (x, y) => Math.min(...shapes.map((s) => s(x, y)));
/** Grows a shape by `by` (for outlines drawn under it). */
export const grow = (shape: Shape, by: number): Shape => (x, y) => shape(x, y) - by;

const SAMPLES = 4;

/** RGBA pixels, row by row. */
export function rasterise(layers: readonly Layer[], size: number): Buffer {
  const out = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (const layer of layers) {
        let hits = 0;
        for (let sy = 0; sy < SAMPLES; sy++) {
          for (let sx = 0; sx < SAMPLES; sx++) {
            if (layer.shape((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size) <= 0) hits++;
          }
        }
        const cover = (hits / (SAMPLES * SAMPLES)) * (layer.colour[3] / 255);
        if (cover === 0) continue;
        // "Over" compositing in straight alpha.
        const outA = cover + a * (1 - cover);
        const mix = (top: number, under: number): number => (top * cover + under * a * (1 - cover)) / outA;
        r = mix(layer.colour[0], r);
        g = mix(layer.colour[1], g);
        b = mix(layer.colour[2], b);
        a = outA;
      }
      const i = (py * size + px) * 4;
      out[i] = Math.round(r);
      out[i + 1] = Math.round(g);
      out[i + 2] = Math.round(b);
      out[i + 3] = Math.round(a * 255);
    }
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = (CRC_TABLE[(c ^ byte) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** An 8-bit RGBA PNG of a square image. */
export function encodePng(rgba: Buffer, size: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    // Filter byte 0 (none) before each row.
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

/** A Windows .ico holding PNG images (supported since Windows Vista). */
export function encodeIco(images: ReadonlyArray<{ size: number; png: Buffer }>): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, png }) => {
    const entry = Buffer.alloc(16);
    entry[0] = size >= 256 ? 0 : size;
    entry[1] = size >= 256 ? 0 : size;
    entry.writeUInt16LE(1, 4); // colour planes
    entry.writeUInt16LE(32, 6); // bits per pixel
    entry.writeUInt32LE(png.length, 8);
    entry.writeUInt32LE(offset, 12);
    offset += png.length;
    return entry;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}
