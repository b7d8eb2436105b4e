import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

// Who may use the browser shell's agent API: a page that was given this launch's secret AND is
// served from the shell's own origin. The secret keeps out other local users and programs (any
// of them can reach a loopback port); the Origin and Host checks keep out web pages in the same
// browser, including ones that rebind their DNS name to 127.0.0.1.

export interface ShellIdentity {
  /** e.g. http://127.0.0.1:41234 */
  readonly origin: string;
  readonly secret: string;
}

export interface ApiRequestFacts {
  readonly secret: string | null | undefined;
  readonly origin: string | undefined;
  readonly host: string | undefined;
}

export type ApiAccess = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** 256 random bits, URL-safe: new for every launch, never written to disk. */
export function newShellSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hostOf(origin: string): string {
  return new URL(origin).host;
}

export function checkApiAccess(request: ApiRequestFacts, shell: ShellIdentity): ApiAccess {
  if (request.host !== hostOf(shell.origin)) return { ok: false, reason: 'wrong host' };
  if (request.origin !== shell.origin) return { ok: false, reason: 'wrong origin' };
  if (!request.secret || !sameSecret(request.secret, shell.secret)) return { ok: false, reason: 'wrong secret' };
  return { ok: true };
}

/** Compares digests, so neither the length nor the content leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
