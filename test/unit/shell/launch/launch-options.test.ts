import { describe, expect, it } from 'vitest';
import { LaunchOptionsError, parseLaunchOptions } from '../../../../src-main/launch/launch-options.js';
import { DEFAULT_BRIDGE_PORT } from '../../../../src-shared/api/agent-bridge.js';

// Launch options shared by both shells: defaults, each option, and a clear message naming the
// option for every bad value (never a stack trace, never a silent default).

const parse = (...args: string[]) => parseLaunchOptions(args, { hostName: 'ward-pc-07' });

function refusal(args: string[], allowForeign = false): string {
  try {
    parseLaunchOptions(args, { hostName: 'ward-pc-07', allowForeign });
  } catch (err) {
    expect(err).toBeInstanceOf(LaunchOptionsError);
    return (err as Error).message;
  }
  throw new Error(`expected ${args.join(' ')} to be refused`);
}

describe('defaults', () => {
  it('no options: normal removal, embedded service, free port, host name as workstation id', () => {
    expect(parse()).toEqual({
      training: false,
      dataDir: undefined,
      port: 0,
      removalMode: 'normal',
      mobility: { reauthMinutes: 60, idleMinutes: 15 },
      serviceUrl: undefined,
      workstationId: 'ward-pc-07',
      bridgePort: DEFAULT_BRIDGE_PORT,
      signInStyle: 'standard',
      help: false,
    });
  });

  it('a host name with odd characters becomes a plain workstation id', () => {
    expect(parseLaunchOptions([], { hostName: ' Ward PC (07)' }).workstationId).toBe('Ward-PC--07-');
    expect(parseLaunchOptions([], { hostName: '---' }).workstationId).toBe('workstation');
  });
});

describe('each option', () => {
  it('reads every option in both --name value and --name=value forms', () => {
    expect(
      parse('--training', '--data-dir', '/tmp/cis', '--port=4711', '--removal-mode', 'session-lock', '--workstation-id=WS-12.a_b', '--bridge-port=48000', '--sign-in-style', 'connect'),
    ).toEqual({
      training: true,
      dataDir: '/tmp/cis',
      port: 4711,
      removalMode: 'session-lock',
      mobility: { reauthMinutes: 60, idleMinutes: 15 },
      serviceUrl: undefined,
      workstationId: 'WS-12.a_b',
      bridgePort: 48000,
      signInStyle: 'connect',
      help: false,
    });
  });

  it('mobility mode takes its minutes, 1 to 1440, and has 60 and 15 by default', () => {
    expect(parse('--removal-mode', 'mobility')).toMatchObject({ removalMode: 'mobility', mobility: { reauthMinutes: 60, idleMinutes: 15 } });
    expect(parse('--removal-mode=mobility', '--reauth-minutes', '1', '--idle-minutes=1440')).toMatchObject({
      removalMode: 'mobility',
      mobility: { reauthMinutes: 1, idleMinutes: 1440 },
    });
  });

  it('accepts an https service URL anywhere and an http one on loopback only; trailing slashes dropped', () => {
    expect(parse('--service-url', 'https://cis.example.nhs.uk/').serviceUrl).toBe('https://cis.example.nhs.uk');
    expect(parse('--service-url', 'https://cis.example.nhs.uk/api/').serviceUrl).toBe('https://cis.example.nhs.uk/api');
    expect(parse('--service-url', 'http://127.0.0.1:8443').serviceUrl).toBe('http://127.0.0.1:8443');
    expect(parse('--service-url', 'http://localhost:8443').serviceUrl).toBe('http://localhost:8443');
  });

  it('--port 0 and --port 65535 are the bounds', () => {
    expect(parse('--port', '0').port).toBe(0);
    expect(parse('--port', '65535').port).toBe(65535);
  });

  it('--help', () => {
    expect(parse('--help').help).toBe(true);
  });
});

describe('bad values get a message naming the option', () => {
  it.each([
    [['--port', '70000'], /--port must be a whole number from 0 to 65535.*"70000"/],
    [['--port', '-1'], /--port/],
    [['--port', '12ab'], /--port must be a whole number.*"12ab"/],
    [['--port', '8080.5'], /--port/],
    [['--port'], /--port needs a value/],
    [['--removal-mode', 'lock'], /--removal-mode must be "normal", "session-lock" or "mobility", not "lock"/],
    [['--removal-mode', 'mobility', '--reauth-minutes', '0'], /--reauth-minutes must be a whole number of minutes from 1 to 1440, not "0"/],
    [['--removal-mode', 'mobility', '--reauth-minutes', '1441'], /--reauth-minutes must be a whole number of minutes from 1 to 1440/],
    [['--removal-mode', 'mobility', '--idle-minutes', '2.5'], /--idle-minutes must be a whole number of minutes/],
    [['--removal-mode', 'mobility', '--idle-minutes'], /--idle-minutes needs a value/],
    [['--reauth-minutes', '30'], /--reauth-minutes applies only with --removal-mode mobility/],
    [['--removal-mode', 'session-lock', '--idle-minutes', '5'], /--idle-minutes applies only with --removal-mode mobility/],
    [['--removal-mode='], /--removal-mode needs a value/],
    [['--service-url', 'cis.example.nhs.uk'], /--service-url must be a full URL/],
    [['--service-url', 'ftp://cis.example.nhs.uk'], /--service-url must use https, not ftp/],
    [['--service-url', 'http://cis.example.nhs.uk'], /must use https \(plain http is allowed only for 127\.0\.0\.1 or localhost\)/],
    [['--service-url', 'https://user:pw@cis.example.nhs.uk'], /must not carry a user name, password/],
    [['--workstation-id', 'ward pc'], /--workstation-id must be 1 to 63 letters/],
    [['--workstation-id', 'x'.repeat(64)], /--workstation-id/],
    [['--data-dir'], /--data-dir needs a value/],
    [['--training=yes'], /--training takes no value/],
    [['--training', '--service-url', 'https://cis.example.nhs.uk'], /--training uses its own seeded identity service: leave out --service-url/],
  ])('%j', (args, message) => {
    expect(refusal(args)).toMatch(message);
  });

  it('an unknown option or a stray argument is refused with the usage', () => {
    expect(refusal(['--trainig'])).toMatch(/^Unknown option --trainig\.\noptions:/);
    expect(refusal(['training'])).toMatch(/^Unexpected argument "training"/);
  });
});

describe('under Electron (allowForeign)', () => {
  it("lets Chromium's and Electron's switches and the app path through, and still checks ours", () => {
    const options = parseLaunchOptions(['.', '--no-sandbox', '--enable-logging', '--training', '--removal-mode', 'session-lock'], { allowForeign: true, hostName: 'h' });
    expect(options).toMatchObject({ training: true, removalMode: 'session-lock' });
    expect(refusal(['--enable-logging', '--removal-mode', 'off'], true)).toMatch(/--removal-mode/);
  });
});
