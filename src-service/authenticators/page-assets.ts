import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

// What the service's own browser pages load, all from this origin (no CDN): the NHS design
// system's stylesheet and @simplewebauthn/browser's browser build, both from node_modules, and each
// page's own script. The headers hold the pages to a strict Content-Security-Policy.

const require = createRequire(import.meta.url);
// The package's single-file browser build (it sets window.SimpleWebAuthnBrowser). The package
// exports no package.json: its CommonJS entry sits in script/, beside dist/.
const SIMPLEWEBAUTHN_BUNDLE = join(dirname(dirname(require.resolve('@simplewebauthn/browser'))), 'dist', 'bundle', 'index.umd.min.js');
const NHSUK_CSS = join(dirname(require.resolve('nhsuk-frontend/package.json')), 'dist', 'nhsuk', 'nhsuk-frontend.min.css');

export const ASSETS = '/authenticators/assets';
export const SIMPLEWEBAUTHN_SCRIPT = `${ASSETS}/simplewebauthn.js`;

export const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

/** Headers for a page: strict CSP, no framing, no Referer, not cached (its state is the link's). */
export function pageHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', PAGE_CSP)
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'no-store');
}

/** Serves the stylesheet, the WebAuthn modules and the pages' scripts (`scripts`: name -> source). */
export function registerPageAssets(app: FastifyInstance, scripts: Readonly<Record<string, string>>): void {
  app.get(`${ASSETS}/nhsuk.css`, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(await readFile(NHSUK_CSS)),
  );
  app.get(SIMPLEWEBAUTHN_SCRIPT, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(await readFile(SIMPLEWEBAUTHN_BUNDLE)),
  );
  for (const [name, source] of Object.entries(scripts)) {
    app.get(`${ASSETS}/${name}`, async (_request, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(source));
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

/** A whole page in the NHS design system's markup: one h1, a main landmark, the page's scripts. */
export function pageHtml(title: string, main: string, script: string): string {
  return `<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} - Care Identity Service</title>
<link rel="stylesheet" href="${ASSETS}/nhsuk.css">
<script src="${SIMPLEWEBAUTHN_SCRIPT}" defer></script>
<script src="${ASSETS}/${script}" defer></script>
</head>
<body>
<header class="nhsuk-header" role="banner"><div class="nhsuk-header__container nhsuk-width-container"><div class="nhsuk-header__service"><span class="nhsuk-header__service-name">Care Identity Service</span></div></div></header>
<div class="nhsuk-width-container">
<main class="nhsuk-main-wrapper" id="main-content">
${main}
</main>
</div>
</body>
</html>`;
}
