import { readFile } from 'node:fs/promises';
import { protocol, type Session } from 'electron';
import { contentSecurityPolicy } from '../content-security-policy.js';
import { contentTypeFor, rendererFileFor } from './renderer-files.js';
import { APP_SCHEME } from './sender-check.js';

// The renderer is served from app://renderer/, not file://: a real origin (so the IPC sender
// check and the CSP have something to hold to), no access to the rest of the disk, and the
// same headers on every file.

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
}

// The Electron renderer talks to the agent over IPC only: it needs no network at all.
const HEADERS = {
  'content-security-policy': contentSecurityPolicy([]),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

export function serveRenderer(session: Session, rendererDir: string): void {
  session.protocol.handle(APP_SCHEME, async (request) => {
    const file = rendererFileFor(rendererDir, request.url);
    if (file === null || request.method !== 'GET') return new Response('Not found.', { status: 404, headers: HEADERS });
    try {
      const body = await readFile(file);
      return new Response(body, { status: 200, headers: { ...HEADERS, 'content-type': contentTypeFor(file) } });
    } catch {
      return new Response('Not found.', { status: 404, headers: HEADERS });
    }
  });
}
