import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { BRIDGE_SIGN_IN_PATH, DEFAULT_BRIDGE_PORT } from '../../../src-shared/api/agent-bridge.js';
import { launchAgent } from '../../../src-main/launch/launch-agent.js';
import { LaunchOptionsError, parseLaunchOptions } from '../../../src-main/launch/launch-options.js';
import { startService, type RunningService } from '../../../src-service/start-service.js';
import { FakeAgent } from '../shell/support/fake-agent.js';

// The bridge as both shells launch it: started after the agent, on the port the options say (a
// free one in training), its URL told to the embedded service's sign-in pages, its one allowed
// origin the service's public origin, and closed with the agent.

describe('launch options for the bridge', () => {
  it('rule: --bridge-port defaults to the fixed port for real use and to a free port in training', () => {
    expect(parseLaunchOptions([]).bridgePort).toBe(DEFAULT_BRIDGE_PORT);
    expect(parseLaunchOptions(['--training']).bridgePort).toBe(0);
    expect(parseLaunchOptions(['--bridge-port', '48000']).bridgePort).toBe(48000);
  });

  it('rule: a bridge port that is not a port is refused, naming the option', () => {
    for (const bad of ['-1', '70000', 'abc', '']) expect(() => parseLaunchOptions(['--bridge-port', bad])).toThrow(LaunchOptionsError);
    expect(() => parseLaunchOptions(['--bridge-port', 'abc'])).toThrow(/--bridge-port/);
  });

  it('rule: --sign-in-style is standard unless connect is asked for; anything else is refused', () => {
    expect(parseLaunchOptions([]).signInStyle).toBe('standard');
    expect(parseLaunchOptions(['--sign-in-style', 'connect']).signInStyle).toBe('connect');
    expect(() => parseLaunchOptions(['--sign-in-style', 'popup'])).toThrow(/--sign-in-style must be "standard" or "connect"/);
  });
});

describe('launching the bridge', () => {
  it('rule: training starts the bridge, the embedded service’s pages are told its URL, and only the service’s origin reaches the agent', async () => {
    let service: RunningService | undefined;
    const agent = new FakeAgent();
    const launched = await launchAgent(parseLaunchOptions(['--training']), {
      createAgent: () => agent,
      startService: async (config) => (service = await startService(config)),
    });
    try {
      expect(launched.bridgeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(service?.ctx.agentBridgeUrl).toBe(launched.bridgeUrl);
      const call = (origin: string) =>
        fetch(`${launched.bridgeUrl}${BRIDGE_SIGN_IN_PATH}`, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ uid: 'interaction-0001', ticket: 'a'.repeat(43) }) });
      expect((await call('http://evil.example')).status).toBe(403);
      const answer = await call(service?.ctx.publicOrigin as string);
      expect(answer.status).toBe(200);
      expect(await answer.json()).toEqual({ outcome: 'no-session' });
    } finally {
      await launched.close();
    }
    await expect(fetch(`${launched.bridgeUrl}${BRIDGE_SIGN_IN_PATH}`, { method: 'POST' })).rejects.toThrow();
  });

  it('rule: a bridge port already taken leaves the agent running without the bridge, and says so', async () => {
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as { port: number }).port;
    const warnings: string[] = [];
    const launched = await launchAgent(parseLaunchOptions(['--training', '--bridge-port', String(port)]), { createAgent: () => new FakeAgent(), warn: (m) => warnings.push(m) });
    try {
      expect(launched.bridgeUrl).toBeNull();
      expect(warnings).toEqual([`Sign-in for other apps is off: the Identity Agent's bridge could not start (port ${port} on 127.0.0.1 is in use). Choose another port with --bridge-port.`]);
    } finally {
      await launched.close();
      holder.close();
    }
  });
});
