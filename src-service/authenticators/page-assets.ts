import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';

// What the WebAuthn pages (registration here, the sign-in method on the provider's sign-in page)
// load beyond the service's page frame (sign-in/sign-in-page.ts, its stylesheet): the
// single-file browser build of @simplewebauthn/browser from node_modules (no CDN; it sets
// window.SimpleWebAuthnBrowser) and each page's own script. All from this origin, under the
// pages' strict CSP.

const require = createRequire(import.meta.url);
// The package exports no package.json: its CommonJS entry sits in script/, beside dist/.
const SIMPLEWEBAUTHN_BUNDLE = join(dirname(dirname(require.resolve('@simplewebauthn/browser'))), 'dist', 'bundle', 'index.umd.min.js');

export const ASSETS = '/authenticators/assets';
export const SIMPLEWEBAUTHN_SCRIPT = `${ASSETS}/simplewebauthn.js`;

/** Serves the WebAuthn browser build and the pages' scripts (`scripts`: file name -> source). */
export function registerPageAssets(app: FastifyInstance, scripts: Readonly<Record<string, string>>): void {
  let bundle: Buffer | undefined;
  const javascript = { 'content-type': 'text/javascript; charset=utf-8', 'x-content-type-options': 'nosniff' };
  app.get(SIMPLEWEBAUTHN_SCRIPT, async (_request, reply) =>
    reply.headers({ ...javascript, 'cache-control': 'public, max-age=3600' }).send((bundle ??= await readFile(SIMPLEWEBAUTHN_BUNDLE))),
  );
  for (const [name, source] of Object.entries(scripts)) {
    app.get(`${ASSETS}/${name}`, async (_request, reply) => reply.headers({ ...javascript, 'cache-control': 'no-cache' }).send(source));
  }
}
