import { describe, expect, it } from 'vitest';
import { APP_ORIGIN, isAppUrl, isTrustedSender } from '../../../../src-main/shell/electron/sender-check.js';

// The IPC hub answers only the top frame of one of our windows showing our app:// page.

const OURS = new Set([3, 5]);
const facts = (frameUrl: string | undefined, webContentsId = 3, isTopFrame = true) => ({ webContentsId, frameUrl, isTopFrame });

describe('isTrustedSender', () => {
  it('accepts our page in our window, at any path and hash', () => {
    expect(isTrustedSender(facts(`${APP_ORIGIN}/index.html`), OURS)).toBe(true);
    expect(isTrustedSender(facts('app://renderer/index.html#identity-agent', 5), OURS)).toBe(true);
    expect(isTrustedSender(facts('app://renderer/'), OURS)).toBe(true);
  });

  it.each([
    ['file:// page', 'file:///opt/care-identity/resources/app.asar/dist/renderer/index.html'],
    ['web page', 'https://evil.example/index.html'],
    ['loopback page', 'http://127.0.0.1:4710/index.html'],
    ['other app:// host', 'app://renderer.evil/index.html'],
    ['credentials trick', 'app://renderer@evil/index.html'],
    ['userinfo on our host', 'app://user@renderer/index.html'],
    ['other scheme with our host', 'apps://renderer/index.html'],
    ['devtools', 'devtools://devtools/bundled/inspector.html'],
    ['about:blank', 'about:blank'],
    ['data URL', 'data:text/html,<script>1</script>'],
    ['not a URL', 'renderer/index.html'],
    ['empty', ''],
  ])('refuses a %s', (_name, url) => {
    expect(isTrustedSender(facts(url), OURS)).toBe(false);
  });

  it('refuses a frame that is gone (no URL)', () => {
    expect(isTrustedSender(facts(undefined), OURS)).toBe(false);
  });

  it('refuses our page in a window we did not register', () => {
    expect(isTrustedSender(facts(`${APP_ORIGIN}/index.html`, 4), OURS)).toBe(false);
  });

  it('refuses a subframe, even one showing our page', () => {
    expect(isTrustedSender(facts(`${APP_ORIGIN}/index.html`, 3, false), OURS)).toBe(false);
  });
});

describe('isAppUrl', () => {
  it('is exact: Chromium reports our standard scheme canonical (lower case), so anything else is refused', () => {
    expect(isAppUrl('app://renderer/index.html')).toBe(true);
    expect(isAppUrl('app://RENDERER/index.html')).toBe(false);
    expect(isAppUrl('app://renderer:80/index.html')).toBe(false);
  });
});
