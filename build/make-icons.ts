import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { APP_ICON, TRAY_DESIGNS } from './icon-designs.js';
import { encodeIco, encodePng, rasterise, type Layer } from './icon-raster.js';

// `npm run icons`: writes the tray icons (build/tray/<state>.png 16 px, <state>@2x.png 32 px,
// <state>.ico with both, for Windows) and the app icon (build/icon.png, 256 px). The output is
// committed; rerun after changing a design.

const here = dirname(fileURLToPath(import.meta.url));
const png = (layers: readonly Layer[], size: number): Buffer => encodePng(rasterise(layers, size), size);

mkdirSync(join(here, 'tray'), { recursive: true });
for (const [state, layers] of Object.entries(TRAY_DESIGNS)) {
  const small = png(layers, 16);
  const large = png(layers, 32);
  writeFileSync(join(here, 'tray', `${state}.png`), small);
  writeFileSync(join(here, 'tray', `${state}@2x.png`), large);
  writeFileSync(join(here, 'tray', `${state}.ico`), encodeIco([{ size: 16, png: small }, { size: 32, png: large }]));
}
writeFileSync(join(here, 'icon.png'), png(APP_ICON, 256));
console.log(`icons written to ${here}`);
