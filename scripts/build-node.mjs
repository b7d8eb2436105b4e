// `npm run build:node`: the browser shell and the identity service as plain JavaScript for
// production (`node dist/browser/browser-main.js`, `node dist/service/cli.js`), so they start
// without tsx's compiler in memory. Dependencies stay external: node_modules is loaded as is,
// native modules included.
import { build } from 'esbuild';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from './locked-electron.mjs';

export const NODE_BUNDLES = [
  { entry: 'src-main/shell/browser/browser-main.ts', out: 'dist/browser/browser-main.js' },
  { entry: 'src-service/cli.ts', out: 'dist/service/cli.js' },
];

/** Builds every bundle under `outRoot` (the project itself by default). */
export async function buildNodeBundles(outRoot = projectRoot) {
  for (const { entry, out } of NODE_BUNDLES) {
    await build({
      entryPoints: [join(projectRoot, entry)],
      outfile: join(outRoot, out),
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'esm',
      packages: 'external',
      sourcemap: true,
      logLevel: 'warning',
    });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await buildNodeBundles();
