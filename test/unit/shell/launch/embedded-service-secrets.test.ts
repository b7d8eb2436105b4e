import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RenewalJournal } from '../../../../src-main/agent/renewal-journal.js';
import { launchAgent, type LaunchDeps } from '../../../../src-main/launch/launch-agent.js';
import { parseLaunchOptions } from '../../../../src-main/launch/launch-options.js';
import { InProcessReaderDriver } from '../../../../src-main/virtual-card/in-process-readers.js';
import { startService, type RunningService } from '../../../../src-service/start-service.js';
import { FakeAgent } from '../support/fake-agent.js';

// The embedded service holds secrets on a workstation that other people may also use: its
// files are private to the account (folder 0700, files 0600, a shared one refuses the start
// with the fix), it keeps no readable unlock codes outside training, and it reads the
// standalone service's configuration so a workstation can send codes by SMTP.

const cleanup: string[] = [];
afterEach(() => {
  for (const dir of cleanup.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'embedded-secrets-'));
  cleanup.push(dir);
  return dir;
}

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);

/** Launches with no real readers, keeping hold of the embedded service it starts. */
async function launch(args: string[], env: NodeJS.ProcessEnv = {}) {
  let service: RunningService | undefined;
  const deps: LaunchDeps = {
    createAgent: () => new FakeAgent(),
    pcscReaders: () => new InProcessReaderDriver(['Desk reader']),
    env,
    startService: async (input) => (service = await startService(input)),
  };
  const launched = await launchAgent(parseLaunchOptions(args), deps);
  if (!service) throw new Error('no embedded service');
  return { launched, service };
}

describe('the embedded service outside training', () => {
  it('rule: the outbox is a training feature: the embedded service keeps none unless its configuration asks', async () => {
    const dir = dataDir();
    const { launched, service } = await launch(['--data-dir', dir]);
    try {
      expect(service.ctx.config.outbox).toBe(false);
      expect(service.ctx.mailer).toBeNull();
      expect(service.ctx.smsSender).toBeNull();
    } finally {
      await launched.close();
    }
    const asked = await launch(['--data-dir', dir], { CIS_OUTBOX: 'true' });
    try {
      expect(asked.service.ctx.mailer).not.toBeNull();
      expect(asked.service.ctx.smsSender).not.toBeNull();
    } finally {
      await asked.launched.close();
    }
  });

  it('rule: training keeps its outbox and reads no workstation configuration', async () => {
    const { launched, service } = await launch(['--training'], { CIS_SMTP_URL: 'smtp://127.0.0.1:2525', CIS_OUTBOX: 'false' });
    cleanup.push(launched.dataDir);
    try {
      expect(service.ctx.config.outbox).toBe(true);
      expect(service.ctx.config.smtpUrl).toBeUndefined();
    } finally {
      await launched.close();
    }
  });

  it('rule: the embedded service picks up SMTP from service-config.json in the data folder, and from CIS_* variables over it', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'service-config.json'), JSON.stringify({ smtpUrl: 'smtps://mail.example.nhs.uk', mailFrom: 'Smartcards <cards@example.nhs.uk>' }), { mode: 0o600 });
    const fromFile = await launch(['--data-dir', dir], { CIS_PORT: '8443', CIS_DB: '/elsewhere/db.sqlite' });
    try {
      expect(fromFile.service.ctx.config).toMatchObject({ smtpUrl: 'smtps://mail.example.nhs.uk', mailFrom: 'Smartcards <cards@example.nhs.uk>' });
      expect(fromFile.service.ctx.mailer).not.toBeNull();
      // Where it listens and keeps its database stay the agent's to say.
      expect(fromFile.service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(fromFile.service.url).not.toContain(':8443');
      expect(fromFile.service.ctx.config.dbFile).toBe(join(dir, 'service.sqlite'));
    } finally {
      await fromFile.launched.close();
    }
    const fromEnv = await launch(['--data-dir', dir], { CIS_SMTP_URL: 'smtp://127.0.0.1:2525' });
    try {
      expect(fromEnv.service.ctx.config.smtpUrl).toBe('smtp://127.0.0.1:2525');
    } finally {
      await fromEnv.launched.close();
    }
  });

  it('rule: CIS_CONFIG names the configuration file, as for the standalone service', async () => {
    const dir = dataDir();
    const file = join(dataDir(), 'cis.json');
    writeFileSync(file, JSON.stringify({ smtpUrl: 'smtps://relay.example.nhs.uk' }));
    const { launched, service } = await launch(['--data-dir', dir], { CIS_CONFIG: file });
    try {
      expect(service.ctx.config.smtpUrl).toBe('smtps://relay.example.nhs.uk');
    } finally {
      await launched.close();
    }
  });
});

describe('private files', () => {
  it('rule: the data folder is 0700, and the database, its -wal and -shm, the secret file and the agent journal are 0600', async () => {
    const dir = dataDir();
    chmodSync(dir, 0o755);
    const { launched, service } = await launch(['--data-dir', dir]);
    try {
      // Writing makes SQLite create its -wal and -shm files.
      await service.ctx.db.selectFrom('audit_log').select('seq').limit(1).execute();
      const journal = new RenewalJournal(dir);
      journal.record({ cardUuid: '11111111-2222-4333-8444-555555555555', mode: 'self', step: 'opening' });
      journal.close();
      expect(modeOf(dir)).toBe('700');
      for (const file of ['service.sqlite', 'service.sqlite-wal', 'service.sqlite-shm', 'service-secret.json', 'agent-journal.sqlite']) {
        expect([file, modeOf(join(dir, file))]).toEqual([file, '600']);
      }
    } finally {
      await launched.close();
    }
  });

  it.each(['service-secret.json', 'service.sqlite', 'service.sqlite-wal', 'agent-journal.sqlite', 'remembered-positions.json', 'service-config.json'])(
    'rule: a start is refused while %s can be read by other users, with the command that fixes it',
    async (name) => {
      const dir = dataDir();
      const file = join(dir, name);
      writeFileSync(file, '');
      chmodSync(file, 0o644);
      const started: string[] = [];
      const refused = await launchAgent(parseLaunchOptions(['--data-dir', dir]), {
        createAgent: () => new FakeAgent(),
        pcscReaders: () => new InProcessReaderDriver(['Desk reader']),
        env: {},
        startService: async (input) => {
          started.push('service');
          return startService(input);
        },
      }).catch((err: unknown) => err as Error);
      expect(refused).toBeInstanceOf(Error);
      expect((refused as Error).message).toContain(`${file} can be read by other users of this computer (mode 644)`);
      expect((refused as Error).message).toContain(`chmod 600 '${file}'`);
      expect(started).toEqual([]);
      expect(modeOf(file)).toBe('644');
    },
  );
});
