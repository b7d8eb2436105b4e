import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

// nhsuk-frontend's compiled CSS, as the app's pages may load it under their strict CSP: its
// Frutiger @font-face rules point at a remote origin (the font is licensed and not shipped), so
// they are dropped and the pages fall back to the design system's Arial stack, as the renderer
// does (vite.config.ts).

const require = createRequire(import.meta.url);
let cached: Promise<string> | undefined;

export function nhsukStylesheet(): Promise<string> {
  cached ??= readFile(require.resolve('nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css'), 'utf8').then((css) =>
    css.replace(/@font-face\s*{[^}]*https?:\/\/[^}]*}/g, ''),
  );
  return cached;
}
