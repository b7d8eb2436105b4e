import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WORKSTATION_KEY_FILE, WorkstationKey } from '../../../src-main/service-client/workstation-key.js';
import { signIn, startAgent, startServiceRig, type AgentRig, type ServiceRig } from '../agent/support/agent-rig.js';

// The agent's workstation key: made on the first run in the data folder, readable by its owner
// only, and the same key after a restart; the sessions the agent opens are bound to it.

let rig: ServiceRig;
const agents: AgentRig[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  rig = await startServiceRig();
});
afterAll(async () => rig.close());
afterEach(async () => {
  for (const a of agents.splice(0)) await a.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const dataDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'agent-key-'));
  dirs.push(d);
  return d;
};
const mode = (file: string): number => statSync(file).mode & 0o777;
const lastSessionKey = async (): Promise<string | null | undefined> =>
  (await rig.db.selectFrom('sessions').select('key_thumbprint').orderBy('id', 'desc').limit(1).executeTakeFirst())?.key_thumbprint;

describe('rule: the workstation key is made on the first run, kept 0600, and reused across restarts', () => {
  it('the agent makes it in its data folder (0600), binds its sessions to it, and a restarted agent uses the same one', async () => {
    const dir = dataDir();
    const first = startAgent(rig.service.url, { dataDir: dir });
    agents.push(first);
    const file = join(dir, WORKSTATION_KEY_FILE);
    expect(mode(file)).toBe(0o600);
    const stored = readFileSync(file, 'utf8');
    const key = WorkstationKey.loadOrCreate(dir);
    await first.until((s) => s.service.status === 'connected', 'the service');
    await signIn(first, await rig.card('clinician'));
    expect(await lastSessionKey()).toBe(key.thumbprint);
    await first.call('agent.logout', {});
    await agents.splice(0).at(0)?.close();

    const again = startAgent(rig.service.url, { dataDir: dir });
    agents.push(again);
    expect(readFileSync(file, 'utf8')).toBe(stored);
    await again.until((s) => s.service.status === 'connected', 'the service');
    await signIn(again, await rig.card('clinician'));
    expect(await lastSessionKey()).toBe(key.thumbprint);
  });

  it('two data folders are two keys; a file opened up to others is taken back to 0600; a damaged one is replaced', () => {
    const a = dataDir();
    const b = dataDir();
    expect(WorkstationKey.loadOrCreate(a).thumbprint).not.toBe(WorkstationKey.loadOrCreate(b).thumbprint);
    const file = join(a, WORKSTATION_KEY_FILE);
    const before = WorkstationKey.loadOrCreate(a).thumbprint;
    chmodSync(file, 0o644);
    expect(WorkstationKey.loadOrCreate(a).thumbprint).toBe(before);
    expect(mode(file)).toBe(0o600);
    writeFileSync(file, '{"format":"workstation-key/1","jwk":');
    const replaced = WorkstationKey.loadOrCreate(a);
    expect(replaced.thumbprint).not.toBe(before);
    expect(WorkstationKey.loadOrCreate(a).thumbprint).toBe(replaced.thumbprint);
    expect(mode(file)).toBe(0o600);
  });

  it('the key file holds the key only: no token, no card, no person', async () => {
    const dir = dataDir();
    WorkstationKey.loadOrCreate(dir);
    const content = JSON.parse(readFileSync(join(dir, WORKSTATION_KEY_FILE), 'utf8')) as { format: string; jwk: Record<string, string> };
    expect(Object.keys(content).sort()).toEqual(['format', 'jwk']);
    expect(Object.keys(content.jwk).sort()).toEqual(['crv', 'd', 'kty', 'x', 'y']);
  });
});
