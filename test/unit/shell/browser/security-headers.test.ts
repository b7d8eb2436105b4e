import { describe, expect, it } from 'vitest';
import { cacheControlFor, securityHeaders } from '../../../../src-main/shell/browser/security-headers.js';
import { contentSecurityPolicy } from '../../../../src-main/shell/content-security-policy.js';

describe('securityHeaders', () => {
  it('lets the page connect only to itself and its own WebSocket, with nothing inline', () => {
    const csp = securityHeaders('http://127.0.0.1:4710')['content-security-policy'];
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:4710");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-(inline|eval)|\*/);
  });
});

describe('contentSecurityPolicy', () => {
  it('with nowhere to connect (Electron: IPC only) says so', () => {
    expect(contentSecurityPolicy([])).toContain("connect-src 'none'");
  });

  it("rule: images come only from the app and from the page's own blob: addresses (an identity document shown to the ID checker), never data: or another site", () => {
    const imageSources = /img-src ([^;]*)/.exec(contentSecurityPolicy([]))?.[1]?.split(' ');
    expect(imageSources).toEqual(["'self'", 'blob:']);
  });
});

describe('cacheControlFor', () => {
  it('never caches index.html, keeps hashed assets, revalidates the rest', () => {
    expect(cacheControlFor('/x/dist/renderer/index.html', '/')).toBe('no-store');
    expect(cacheControlFor('/x/dist/renderer/assets/index-1a2b.js', '/assets/index-1a2b.js')).toContain('immutable');
    expect(cacheControlFor('/x/dist/renderer/favicon.svg', '/favicon.svg')).toBe('no-cache');
  });
});
