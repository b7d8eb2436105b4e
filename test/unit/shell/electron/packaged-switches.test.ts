import { describe, expect, it } from 'vitest';
import { secureWebPreferences } from '../../../../src-main/shell/electron/lockdown.js';
import { packagedStartRefusal, refusedSwitches } from '../../../../src-main/shell/electron/packaged-switches.js';

// A packaged app: no DevTools, and no start with a switch that opens a debugger or lowers the
// sandbox or web security.

const EXE = '/opt/Care Identity Workstation/care-identity-workstation';

describe('a packaged app refuses debugging and sandbox switches', () => {
  it.each([
    ['--remote-debugging-port=9222', 'remote-debugging-port'],
    ['--remote-debugging-pipe', 'remote-debugging-pipe'],
    ['--inspect', 'inspect'],
    ['--inspect-brk=0.0.0.0:9229', 'inspect-brk'],
    ['--inspect-port=9229', 'inspect-port'],
    ['--no-sandbox', 'no-sandbox'],
    ['--disable-web-security', 'disable-web-security'],
    ['--js-flags=--allow-natives-syntax', 'js-flags'],
    ['--renderer-cmd-prefix=gdb --args', 'renderer-cmd-prefix'],
    ['--ignore-certificate-errors', 'ignore-certificate-errors'],
  ])('%s is refused', (arg, name) => {
    expect(refusedSwitches([EXE, arg], 'linux')).toEqual([name]);
  });

  it("catches the spellings Chromium accepts: one dash, any case, and /name on Windows", () => {
    expect(refusedSwitches([EXE, '-no-sandbox'], 'linux')).toEqual(['no-sandbox']);
    expect(refusedSwitches([EXE, '--Remote-Debugging-Port=1'], 'linux')).toEqual(['remote-debugging-port']);
    expect(refusedSwitches(['C:\\Care\\care.exe', '/no-sandbox'], 'win32')).toEqual(['no-sandbox']);
    // Not a switch on Linux: an absolute path.
    expect(refusedSwitches([EXE, '/no-sandbox'], 'linux')).toEqual([]);
  });

  it("lets the agent's own options and harmless Chromium switches through", () => {
    const argv = [EXE, '--training', '--data-dir', '/var/lib/ci', '--removal-mode=session-lock', '--enable-logging', '--ozone-platform=x11', '-', '--'];
    expect(refusedSwitches(argv, 'linux')).toEqual([]);
    expect(packagedStartRefusal([])).toBeNull();
  });

  it('names every refused switch once, and says what to do', () => {
    const found = refusedSwitches([EXE, '--no-sandbox', '--inspect', '--no-sandbox'], 'linux');
    expect(found).toEqual(['no-sandbox', 'inspect']);
    const message = packagedStartRefusal(found);
    expect(message).toContain('--no-sandbox, --inspect');
    expect(message).toMatch(/Start Care Identity from its usual shortcut/);
  });

  it('windows get DevTools only when the policy allows them (development runs)', () => {
    expect(secureWebPreferences('/app/preload.cjs', { devTools: false }).devTools).toBe(false);
    expect(secureWebPreferences('/app/preload.cjs', { devTools: true }).devTools).toBe(true);
    const prefs = secureWebPreferences('/app/preload.cjs', { devTools: false });
    expect([prefs.sandbox, prefs.contextIsolation, prefs.nodeIntegration, prefs.webSecurity]).toEqual([true, true, false, true]);
  });
});
