import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeFor, rendererFileFor } from '../../../../src-main/shell/electron/renderer-files.js';

// app://renderer/<path> maps into the built renderer and nowhere else.

const ROOT = resolve('/opt/care-identity/dist/renderer');

describe('rendererFileFor', () => {
  it('maps the root and files, ignoring query and hash', () => {
    expect(rendererFileFor(ROOT, 'app://renderer/')).toBe(join(ROOT, 'index.html'));
    expect(rendererFileFor(ROOT, 'app://renderer/index.html#identity-agent')).toBe(join(ROOT, 'index.html'));
    expect(rendererFileFor(ROOT, 'app://renderer/assets/index-1a2b.js?v=1')).toBe(join(ROOT, 'assets', 'index-1a2b.js'));
    expect(rendererFileFor(ROOT, 'app://renderer/assets/Frutiger%20Bold.woff2')).toBe(join(ROOT, 'assets', 'Frutiger Bold.woff2'));
  });

  it('dot segments are resolved by the URL itself and stay inside the renderer folder', () => {
    expect(rendererFileFor(ROOT, 'app://renderer/../../../etc/passwd')).toBe(join(ROOT, 'etc', 'passwd'));
    expect(rendererFileFor(ROOT, 'app://renderer/%2e%2e/%2e%2e/etc/passwd')).toBe(join(ROOT, 'etc', 'passwd'));
  });

  it.each([
    'app://renderer/assets/..%2f..%2f..%2fetc%2fpasswd',
    'app://renderer/assets/%2e%2e%2f%2e%2e%2fsecret',
    'app://renderer/assets/..%5c..%5csecret',
    'app://renderer/.env',
    'app://renderer/assets/%00.js',
    'app://renderer/%E0%A4%A',
    'app://other/index.html',
    'file:///opt/care-identity/dist/renderer/index.html',
    'not a url',
  ])('refuses %s', (url) => {
    expect(rendererFileFor(ROOT, url)).toBeNull();
  });
});

describe('contentTypeFor', () => {
  it('names the types the renderer ships, and nothing is sniffed', () => {
    expect(contentTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('a.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('a.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('logo.svg')).toBe('image/svg+xml');
    expect(contentTypeFor('font.woff2')).toBe('font/woff2');
    expect(contentTypeFor('unknown.bin')).toBe('application/octet-stream');
  });
});
