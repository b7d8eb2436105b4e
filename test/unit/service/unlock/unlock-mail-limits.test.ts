import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { createTransport } from 'nodemailer';
import { describe, expect, it, vi } from 'vitest';
import { missingSmtpWarning, SMTP_TIMEOUTS, smtpTransportOptions } from '../../../../src-service/notify/mailer.js';
import { pruneOutbox, readOutbox, writeOutbox } from '../../../../src-service/notify/outbox.js';
import { startService } from '../../../../src-service/start-service.js';
import { testStorage } from '../../../support/service-fixtures.js';

// Mail for security codes: the SMTP waits end well before the agent's 15 s wait for the service,
// a code never crosses the network in clear, a standalone service without a mail server says so
// when it starts, and the outbox does not keep codes beyond a week.

const AGENT_WAIT_MS = 15_000;
const DAY = 86_400_000;

describe('SMTP', () => {
  it('rule: connecting, the greeting and any silence each give up well within the agent’s wait', () => {
    expect(SMTP_TIMEOUTS.connectionTimeout + SMTP_TIMEOUTS.greetingTimeout).toBeLessThan(AGENT_WAIT_MS);
    expect(SMTP_TIMEOUTS.socketTimeout).toBeLessThan(AGENT_WAIT_MS);
    expect(smtpTransportOptions('smtp://mail.example.org:587')).toMatchObject(SMTP_TIMEOUTS);
  });

  it.each([
    ['smtp://user:secret@mail.example.org:587', true],
    ['smtp://10.0.0.5:25', true],
    ['smtps://mail.example.org:465', false],
    ['smtp://127.0.0.1:2525', false],
    ['smtp://localhost:25', false],
    ['smtp://[::1]:25', false],
  ])('rule: %s requires TLS: %s (plain SMTP only to this machine)', (url, required) => {
    expect(smtpTransportOptions(url).requireTLS).toBe(required);
  });

  it('rule: nodemailer keeps requireTLS beside the URL', () => {
    const transport = createTransport({ ...smtpTransportOptions('smtp://mail.example.org:587'), logger: false });
    try {
      expect((transport.transporter as unknown as { options: { requireTLS?: boolean; socketTimeout?: number } }).options).toMatchObject({ requireTLS: true, socketTimeout: 8_000 });
    } finally {
      transport.close();
    }
  });

  it('rule: without a mail server the start-up warning names CIS_SMTP_URL; with one there is none', () => {
    expect(missingSmtpWarning({})).toMatch(/CIS_SMTP_URL is not set/);
    expect(missingSmtpWarning({ smtpUrl: 'smtps://mail.example.org' })).toBeNull();
  });
});

describe('the outbox', () => {
  it('rule: messages older than 7 days are pruned, newer ones kept', () => {
    const storage = testStorage('cis-outbox-');
    return (async () => {
      const now = Date.now();
      const service = await startService(storage);
      try {
        const db = service.ctx.db;
        await writeOutbox(db, { channel: 'sms', to: '07700900001', subject: null, text: 'old' }, new Date(now - 8 * DAY));
        await writeOutbox(db, { channel: 'sms', to: '07700900002', subject: null, text: 'recent' }, new Date(now - 6 * DAY));
        expect(await pruneOutbox(db, new Date(now))).toBe(1);
        expect((await readOutbox(db)).map((m) => m.text)).toEqual(['recent']);
        await writeOutbox(db, { channel: 'sms', to: '07700900003', subject: null, text: 'also old' }, new Date(now - 9 * DAY));
      } finally {
        await service.close();
      }
      // And on start.
      const again = await startService(storage);
      try {
        expect((await readOutbox(again.ctx.db)).map((m) => m.text)).toEqual(['recent']);
      } finally {
        await again.close();
        rmSync(dirname(storage.secretFile), { recursive: true, force: true });
      }
    })();
  });

  it('rule: a running service prunes the outbox every hour', async () => {
    const storage = testStorage('cis-outbox-');
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    let clock = Date.now();
    const service = await startService({ ...storage, now: () => new Date(clock) });
    try {
      await writeOutbox(service.ctx.db, { channel: 'sms', to: '07700900001', subject: null, text: 'soon old' }, new Date(clock - 6 * DAY));
      clock += 2 * DAY;
      vi.advanceTimersByTime(59 * 60_000);
      expect(await readOutbox(service.ctx.db)).toHaveLength(1);
      vi.advanceTimersByTime(60_000);
      // The sweep the hour started runs in the background.
      await vi.waitFor(async () => expect(await readOutbox(service.ctx.db)).toHaveLength(0));
    } finally {
      vi.useRealTimers();
      await service.close();
      rmSync(dirname(storage.secretFile), { recursive: true, force: true });
    }
  });
});
