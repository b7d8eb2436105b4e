import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentState, ServerMessage } from '../../../../src-shared/api/agent-api.js';
import { createAgent } from '../../../../src-main/agent/create-agent.js';
import { launchAgent, type LaunchedAgent } from '../../../../src-main/launch/launch-agent.js';
import { parseLaunchOptions } from '../../../../src-main/launch/launch-options.js';
import { startBrowserShell, type BrowserShell } from '../../../../src-main/shell/browser/browser-shell.js';
import { openSession, opened, type WsSession } from '../support/ws-session.js';

// Training mode end to end through the browser shell, with the real agent core: what a
// trainee's page does over its WebSocket, from an empty reader to signed in and out again.

let dir: string;
let launched: LaunchedAgent;
let shell: BrowserShell;
let session: WsSession;
let latest: AgentState | undefined;
let nextId = 1;
const results = new Map<number, ServerMessage>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shell-training-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Care Identity</title>');
  launched = await launchAgent(parseLaunchOptions(['--training', '--workstation-id', 'unit-training']), { createAgent });
  shell = await startBrowserShell({ agent: launched.agent, port: 0, staticDir: dir, announce: () => undefined });
  const url = new URL(shell.url);
  session = openSession(`ws://${url.host}/api?secret=${url.searchParams.get('secret') ?? ''}`, shell.origin);
  await opened(session);
  void pump();
});

afterAll(async () => {
  session?.socket.close();
  await shell?.close();
  await launched?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Sorts what arrives into the latest state and the results by id. */
async function pump(): Promise<void> {
  for (;;) {
    let message: ServerMessage;
    try {
      message = await session.next();
    } catch {
      return;
    }
    if (message.type === 'state') latest = message.state;
    else if (message.id !== null) results.set(message.id, message);
  }
}

async function request(channel: string, payload: unknown): Promise<ServerMessage> {
  const id = nextId++;
  session.request(id, channel, payload);
  return eventually(() => results.get(id));
}

async function eventually<T>(probe: () => T | undefined | null | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last screen ${JSON.stringify(latest?.screen)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const screen = (kind: AgentState['screen']['kind']): Promise<AgentState> => eventually(() => latest?.screen.kind === kind && latest);

describe('a trainee signs in and out through the browser shell', () => {
  it('starts with the training panel and two empty readers', async () => {
    const state = await eventually(() => latest?.training && latest);
    expect(state.training?.readers).toEqual(['Reader 1', 'Reader 2']);
    expect(state.training?.personas.find((p) => p.key === 'clinician')).toMatchObject({ role: 'Clinician', passcode: '123456', insertedIn: null });
    expect(state.readers.map((r) => r.card)).toEqual([null, null]);
  });

  it('inserting the clinician card asks for the passcode; the shown passcode signs in', async () => {
    expect(await request('training.insertCard', { persona: 'clinician', reader: 'Reader 1' })).toMatchObject({ type: 'result', result: { ok: true } });
    const asking = await screen('passcode');
    expect(asking.screen).toMatchObject({ holderName: 'Amelia Hart', reader: 'Reader 1' });
    expect(await request('agent.submitPasscode', { passcode: '123456' })).toMatchObject({ type: 'result' });
    const next = await eventually(() => (latest?.screen.kind === 'choose-position' || latest?.screen.kind === 'signed-in') && latest);
    if (next.screen.kind === 'choose-position') {
      const positionId = next.screen.positions[0]?.positionId as number;
      expect(await request('agent.choosePosition', { positionId, remember: false })).toMatchObject({ type: 'result' });
    }
    const signedIn = await screen('signed-in');
    expect(signedIn.indicator).toBe('signed-in');
    expect(signedIn.training?.personas.find((p) => p.key === 'clinician')?.insertedIn).toBe('Reader 1');
  });

  it('the locked persona\'s card in the other reader is seen as locked, without touching the session', async () => {
    expect(await request('training.insertCard', { persona: 'locked-card', reader: 'Reader 2' })).toMatchObject({ type: 'result' });
    const both = await eventually(() => latest?.readers[1]?.card?.holderName === 'Rhys Evans' && latest);
    expect(both.screen.kind).toBe('signed-in');
  });

  it('pulling the session card from the panel ends the session (normal removal mode)', async () => {
    expect(await request('training.removeCard', { reader: 'Reader 1' })).toMatchObject({ type: 'result' });
    const after = await eventually(() => latest && latest.screen.kind !== 'signed-in' && latest);
    expect(after.readers[0]?.card).toBeNull();
  });

  it('a wrong request on the way is an error and changes nothing', async () => {
    const before = latest?.version;
    expect(await request('training.insertCard', { persona: 'nobody', reader: 'Reader 1' })).toMatchObject({ type: 'error', error: { code: 'bad-request' } });
    expect(latest?.version).toBe(before);
  });
});
