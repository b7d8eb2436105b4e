import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { FastifyInstance } from 'fastify';
import { SMARTCARD_SCRIPT } from './smartcard-script.js';
import { IPAD_SCRIPT } from '../devices/ipad-script.js';
import { TOTP_SCRIPT } from '../devices/totp-script.js';

// The files the service's browser pages load from its own origin: the NHS design system's CSS
// (from the installed nhsuk-frontend package, read once) and the pages' scripts. Nothing comes
// from elsewhere, so the pages' CSP can say 'self' and nothing more.

export const SIGN_IN_ASSETS = {
  css: '/sign-in/assets/nhsuk-frontend.min.css',
  smartcardScript: '/sign-in/assets/smartcard-sign-in.js',
  ipadScript: '/sign-in/assets/ipad-sign-in.js',
  totpScript: '/sign-in/assets/totp-sign-in.js',
} as const;

let nhsukCss: string | undefined;
/**
 * The design system's CSS without its @font-face rules: those fetch the Frutiger fonts from
 * assets.nhs.uk, which the pages' CSP refuses (the system's own fallback, Arial, is used).
 */
export const nhsukCssText = (): string =>
  (nhsukCss ??= readFileSync(createRequire(import.meta.url).resolve('nhsuk-frontend/dist/nhsuk/nhsuk-frontend.min.css'), 'utf8').replace(/@font-face\{[^}]*\}/g, ''));

/** Serves the assets; each may be cached for an hour (they change only with the service). */
export function registerSignInAssets(app: FastifyInstance): void {
  const serve = (path: string, type: string, body: () => string): void => {
    app.get(path, async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=3600').header('x-content-type-options', 'nosniff').type(`${type}; charset=utf-8`).send(body()),
    );
  };
  serve(SIGN_IN_ASSETS.css, 'text/css', nhsukCssText);
  serve(SIGN_IN_ASSETS.smartcardScript, 'text/javascript', () => SMARTCARD_SCRIPT);
  serve(SIGN_IN_ASSETS.ipadScript, 'text/javascript', () => IPAD_SCRIPT);
  serve(SIGN_IN_ASSETS.totpScript, 'text/javascript', () => TOTP_SCRIPT);
}
