import { describe, expect, it } from 'vitest';
import { checkApiAccess, newShellSecret } from '../../../../src-main/shell/browser/api-access.js';

// The browser shell's admission rule: this launch's secret, from the shell's own origin, to the
// shell's own host name.

const shell = { origin: 'http://127.0.0.1:4710', secret: 'sEcReT-value_123' };
const ok = { secret: shell.secret, origin: shell.origin, host: '127.0.0.1:4710' };

describe('checkApiAccess', () => {
  it('admits the right secret, Origin and Host', () => {
    expect(checkApiAccess(ok, shell)).toEqual({ ok: true });
  });

  it.each([
    ['no secret', { ...ok, secret: null }, 'wrong secret'],
    ['an empty secret', { ...ok, secret: '' }, 'wrong secret'],
    ['a secret that differs in case', { ...ok, secret: 'secret-value_123' }, 'wrong secret'],
    ['a prefix of the secret', { ...ok, secret: 'sEcReT' }, 'wrong secret'],
    ['another origin', { ...ok, origin: 'http://evil.example' }, 'wrong origin'],
    ['localhost instead of 127.0.0.1', { ...ok, origin: 'http://localhost:4710' }, 'wrong origin'],
    ['another port', { ...ok, origin: 'http://127.0.0.1:4711' }, 'wrong origin'],
    ['no Origin', { ...ok, origin: undefined }, 'wrong origin'],
    ['the "null" Origin of a sandboxed frame', { ...ok, origin: 'null' }, 'wrong origin'],
    ['a rebound Host name', { ...ok, host: 'evil.example:4710' }, 'wrong host'],
  ])('refuses %s', (_name, request, reason) => {
    expect(checkApiAccess(request, shell)).toEqual({ ok: false, reason });
  });
});

describe('newShellSecret', () => {
  it('is 256 random bits, URL-safe, new each time', () => {
    const a = newShellSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newShellSecret()).not.toBe(a);
  });
});
