import { basename } from 'node:path';
import { contentSecurityPolicy } from '../content-security-policy.js';

// Headers on everything the browser shell serves. The page may connect only back to this shell
// (its own origin and its WebSocket); it may not be framed, sniffed into another type, or send
// its URL (which carries the secret) as a referrer.

export function securityHeaders(origin: string): Record<string, string> {
  const ws = origin.replace(/^http:/, 'ws:');
  return {
    'content-security-policy': contentSecurityPolicy(["'self'", ws]),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), payment=()',
  };
}

/**
 * index.html names the current bundle, so it must never be cached; Vite's files under assets/
 * carry a content hash in their names and can be kept.
 */
export function cacheControlFor(filePath: string, urlPath: string): string {
  if (basename(filePath) === 'index.html') return 'no-store';
  if (urlPath.startsWith('/assets/')) return 'public, max-age=31536000, immutable';
  return 'no-cache';
}
