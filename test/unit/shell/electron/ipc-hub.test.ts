import { EventEmitter } from 'node:events';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AGENT_CHANNELS } from '../../../../src-shared/api/agent-api.js';
import { STATE_PUSH_CHANNEL } from '../../../../src-main/shell/electron/ipc-channels.js';
import { TrustedSenders } from '../../../../src-main/shell/electron/trusted-senders.js';
import { FAULT_DETAIL, FakeAgent } from '../support/fake-agent.js';

// The IPC hub with Electron's ipcMain replaced by a recorder (the Electron binary is not here):
// one handler per contract channel, every sender checked before the agent hears anything,
// results and failures as values, states pushed to our windows only.

type Handler = (event: IpcMainInvokeEvent, payload: unknown) => Promise<unknown>;
const handlers = new Map<string, Handler>();

vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, handler: Handler) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler);
    },
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const { setupIpcHub } = await import('../../../../src-main/shell/electron/ipc-hub.js');

class FakeContents extends EventEmitter {
  readonly sent: Array<[string, unknown]> = [];
  destroyed = false;
  constructor(readonly id: number) {
    super();
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, value: unknown): void {
    this.sent.push([channel, value]);
  }
  destroy(): void {
    this.destroyed = true;
    this.emit('destroyed');
  }
}

const asContents = (c: FakeContents): WebContents => c as unknown as WebContents;

function event(sender: FakeContents, frameUrl: string | null, top = true): IpcMainInvokeEvent {
  const frame = frameUrl === null ? null : { url: frameUrl, parent: top ? null : {} };
  return { sender, senderFrame: frame } as unknown as IpcMainInvokeEvent;
}

let agent: FakeAgent;
let main: FakeContents;
let stranger: FakeContents;
let close: () => void;
const reports: string[] = [];

beforeEach(() => {
  agent = new FakeAgent();
  main = new FakeContents(1);
  stranger = new FakeContents(2);
  const trusted = new TrustedSenders();
  trusted.add(asContents(main));
  close = setupIpcHub(agent, trusted, (line) => reports.push(line));
});

afterEach(() => {
  close();
  reports.length = 0;
});

const call = (channel: string, e: IpcMainInvokeEvent, payload: unknown = {}): Promise<unknown> => {
  const handler = handlers.get(channel);
  if (!handler) throw new Error(`no handler for ${channel}`);
  return handler(e, payload);
};

describe('registration', () => {
  it('one handler per AGENT_CHANNELS key, and none after closing', () => {
    expect([...handlers.keys()].sort()).toEqual(Object.keys(AGENT_CHANNELS).sort());
    close();
    expect(handlers.size).toBe(0);
    close = () => undefined;
  });
});

describe('trusted senders', () => {
  it('our window on app://renderer: the agent answers, wrapped as a result', async () => {
    expect(await call('agent.lock', event(main, 'app://renderer/index.html'))).toEqual({ type: 'result', result: { ok: true } });
    expect(agent.calls).toEqual([{ channel: 'agent.lock', payload: {} }]);
  });

  it('agent failures come back as AgentError values, unexpected faults without their detail', async () => {
    expect(await call('agent.submitPasscode', event(main, 'app://renderer/index.html'), { passcode: 12 })).toMatchObject({ type: 'error', error: { code: 'bad-request' } });
    const fault = await call('cim.myProfile', event(main, 'app://renderer/index.html'));
    expect(fault).toMatchObject({ type: 'error', error: { code: 'internal' } });
    expect(JSON.stringify(fault)).not.toContain(FAULT_DETAIL);
    expect(reports.some((r) => r.includes('cim.myProfile'))).toBe(true);
  });

  it('an oversized payload is refused before the agent sees it', async () => {
    expect(await call('cim.findUsers', event(main, 'app://renderer/index.html'), { name: 'x'.repeat(70_000) })).toMatchObject({ type: 'error', error: { code: 'bad-request' } });
    expect(agent.calls).toEqual([]);
  });
});

describe('untrusted senders are refused and the agent never hears of them', () => {
  it.each([
    ['a window that is not ours', () => event(stranger, 'app://renderer/index.html')],
    ['our window showing another page', () => event(main, 'https://evil.example/')],
    ['our window showing a file:// page', () => event(main, 'file:///etc/passwd')],
    ['a subframe of our window', () => event(main, 'app://renderer/index.html', false)],
    ['a frame that is gone', () => event(main, null)],
  ])('%s', async (_name, make) => {
    expect(await call('agent.logout', make())).toEqual({ type: 'error', error: { code: 'forbidden', message: expect.any(String) } });
    expect(agent.calls).toEqual([]);
    expect(reports).toHaveLength(1);
  });

  it('a frame whose properties throw (destroyed meanwhile)', async () => {
    const e = { sender: main, get senderFrame() { throw new Error('Render frame was disposed'); } } as unknown as IpcMainInvokeEvent;
    expect(await call('agent.logout', e)).toMatchObject({ type: 'error', error: { code: 'forbidden' } });
    expect(agent.calls).toEqual([]);
  });

  it('our window after its contents were destroyed', async () => {
    main.destroy();
    expect(await call('agent.getState', event(main, 'app://renderer/index.html'))).toMatchObject({ type: 'error', error: { code: 'forbidden' } });
  });
});

describe('state pushes', () => {
  it('go to our windows only, on the state channel, and stop after closing', () => {
    const state = agent.change({ indicator: 'card-present' });
    expect(main.sent).toEqual([[STATE_PUSH_CHANNEL, state]]);
    expect(stranger.sent).toEqual([]);
    close();
    close = () => undefined;
    agent.change({ indicator: 'no-card' });
    expect(main.sent).toHaveLength(1);
  });

  it('skip destroyed windows', () => {
    main.destroy();
    agent.change({ indicator: 'card-present' });
    expect(main.sent).toEqual([]);
  });
});
