import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentOptions } from '../../../../src-main/agent/agent-types.js';
import { launchAgent, type StartableReaders } from '../../../../src-main/launch/launch-agent.js';
import { parseLaunchOptions } from '../../../../src-main/launch/launch-options.js';
import type { ReaderDriverEvents, ReaderState } from '../../../../src-main/pcsc/reader-driver.js';
import { InProcessReaderDriver } from '../../../../src-main/virtual-card/in-process-readers.js';
import { startService } from '../../../../src-service/start-service.js';
import { PERSONAS } from '../../../../src-service/seed/personas.js';
import { FakeAgent } from '../support/fake-agent.js';

// The launch builds what the agent core is given: readers, the service (embedded or not), the
// training deck. The core is a stand-in here; readers are never PC/SC (the machine's pcscd is
// not the unit tests' to use).

class FakeReaders extends EventEmitter<ReaderDriverEvents> implements StartableReaders {
  started = 0;
  closed = 0;
  readers(): ReaderState[] {
    return [{ name: 'Desk reader', cardPresent: false }];
  }
  async transaction<T>(): Promise<T> {
    throw new Error('no cards here');
  }
  start(): void {
    this.started++;
    this.emit('reader-added', 'Desk reader');
  }
  async close(): Promise<void> {
    this.closed++;
  }
}

const cleanup: string[] = [];
afterEach(() => {
  for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function health(url: string): Promise<number | 'unreachable'> {
  try {
    return (await fetch(`${url}/v1/health`)).status;
  } catch {
    return 'unreachable';
  }
}

describe('training', () => {
  it('embedded seeded service, in-process readers started after the agent listens, the deck; close undoes it all', async () => {
    let given: AgentOptions | undefined;
    const readersAtCreation: string[] = [];
    const agent = new FakeAgent();
    const launched = await launchAgent(parseLaunchOptions(['--training', '--removal-mode', 'session-lock', '--workstation-id', 'train-01']), {
      createAgent: (options) => {
        given = options;
        // The driver announces its readers only once started, i.e. after this returns.
        options.readers.on('reader-added', (name) => readersAtCreation.push(name));
        return agent;
      },
    });
    expect(given).toBeDefined();
    const options = given as AgentOptions;
    expect(options).toMatchObject({ workstationId: 'train-01', removalMode: 'session-lock', dataDir: launched.dataDir });
    expect(options.serviceUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(launched.serviceUrl).toBe(options.serviceUrl);
    expect(options.readers).toBeInstanceOf(InProcessReaderDriver);
    expect(readersAtCreation).toEqual(['Reader 1', 'Reader 2']);
    // Every persona's card, then the two blank cards for practising issue.
    expect(options.training?.view().personas.map((p) => p.key)).toEqual([...PERSONAS.map((p) => p.key), 'blank-card-1', 'blank-card-2']);
    expect(existsSync(join(launched.dataDir, 'service.sqlite'))).toBe(true);
    expect(await health(options.serviceUrl)).toBe(200);

    // The deck drives the readers the agent was given.
    options.training?.insert('clinician', 'Reader 1');
    expect(options.readers.readers()[0]?.cardPresent).toBe(true);

    await launched.close();
    expect(agent.closed).toBe(true);
    expect(await health(options.serviceUrl)).toBe('unreachable');
    // The temporary training folder (with the cards' keys) is gone.
    expect(existsSync(launched.dataDir)).toBe(false);
    expect(options.readers.readers()[0]?.cardPresent).toBe(false);
  });

  it('with --data-dir the folder is kept after closing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'launch-training-'));
    cleanup.push(dir);
    const launched = await launchAgent(parseLaunchOptions(['--training', '--data-dir', dir]), { createAgent: () => new FakeAgent() });
    expect(launched.dataDir).toBe(dir);
    await launched.close();
    expect(existsSync(join(dir, 'training-cards', 'clinician.json'))).toBe(true);
  });
});

describe('a configured service', () => {
  it('starts no embedded service and passes the URL and the PC/SC readers, started after creation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'launch-remote-'));
    cleanup.push(dir);
    const readers = new FakeReaders();
    let startedAtCreation = -1;
    let serviceStarts = 0;
    const launched = await launchAgent(parseLaunchOptions(['--service-url', 'https://cis.example.nhs.uk', '--data-dir', dir]), {
      createAgent: (options) => {
        expect(options.readers).toBe(readers);
        expect(options.training).toBeUndefined();
        expect(options.serviceUrl).toBe('https://cis.example.nhs.uk');
        startedAtCreation = readers.started;
        return new FakeAgent();
      },
      pcscReaders: () => readers,
      startService: async (input) => {
        serviceStarts++;
        return startService(input);
      },
    });
    expect(startedAtCreation).toBe(0);
    expect(readers.started).toBe(1);
    expect(serviceStarts).toBe(0);
    expect(existsSync(join(dir, 'service.sqlite'))).toBe(false);
    await launched.close();
    expect(readers.closed).toBe(1);
  });
});

describe('the embedded service without training', () => {
  it('keeps its SQLite file in the data folder and listens on 127.0.0.1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'launch-embedded-'));
    cleanup.push(dir);
    const launched = await launchAgent(parseLaunchOptions(['--data-dir', dir]), { createAgent: () => new FakeAgent(), pcscReaders: () => new FakeReaders() });
    try {
      expect(launched.serviceUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(existsSync(join(dir, 'service.sqlite'))).toBe(true);
      expect(launched.training).toBe(false);
    } finally {
      await launched.close();
    }
    // Closing twice is one close.
    await expect(launched.close()).resolves.toBeUndefined();
  });
});

describe('a failed start', () => {
  it('closes what had started (readers, embedded service) and reports the failure', async () => {
    const readers = new FakeReaders();
    const xdg = mkdtempSync(join(tmpdir(), 'launch-fail-'));
    cleanup.push(xdg);
    let serviceUrl = '';
    let dataDir = '';
    await expect(
      launchAgent(parseLaunchOptions([]), {
        createAgent: (options) => {
          serviceUrl = options.serviceUrl;
          dataDir = options.dataDir;
          throw new Error('core failed');
        },
        pcscReaders: () => readers,
        platform: { platform: 'linux', env: { XDG_DATA_HOME: xdg }, home: '/nonexistent' },
      }),
    ).rejects.toThrow('core failed');
    expect(readers.closed).toBe(1);
    expect(readers.started).toBe(0);
    expect(await health(serviceUrl)).toBe('unreachable');
    expect(dataDir).toBe(join(xdg, 'care-identity-workstation'));
  });
});
