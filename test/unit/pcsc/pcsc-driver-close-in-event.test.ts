import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';

// The pcsclite binding emits a reader's events while holding that reader's mutex, and its close()
// takes the same mutex: a close reached from inside an event hangs the main thread for ever (seen
// on pcscd restarts). This binding stand-in models that lock: close() inside an event is recorded
// as the hang it would be.

const hangs: string[] = [];
const closed: string[] = [];

class FakeReader extends EventEmitter {
  readonly connected = false;
  readonly SCARD_STATE_PRESENT = 0x20;
  readonly SCARD_STATE_MUTE = 0x200;
  private locked = false;
  constructor(readonly name: string) {
    super();
  }
  /** Emits as the binding does: with the reader's mutex held, promise jobs drained inside it. */
  async emitLocked(event: string, ...args: unknown[]): Promise<void> {
    this.locked = true;
    this.emit(event, ...args);
    await Promise.resolve();
    await Promise.resolve();
    this.locked = false;
  }
  close(): void {
    if (this.locked) hangs.push(this.name);
    else closed.push(this.name);
  }
}

class FakeContext extends EventEmitter {
  close(): void {
    closed.push('context');
  }
}

let context: FakeContext;
vi.mock('../../../src-main/pcsc/pcsclite-binding.js', () => ({
  openPcscContext: () => {
    context = new FakeContext();
    return context;
  },
}));

const { PcscReaderDriver } = await import('../../../src-main/pcsc/pcsc-reader-driver.js');

describe('closing pcsclite handles', () => {
  it('a reader that ends (pcscd stopped, reader unplugged) is closed after its event, never inside it', async () => {
    const driver = new PcscReaderDriver({ reconnectMs: 10 });
    driver.start();
    const reader = new FakeReader('Virtual PCD 00 00');
    context.emit('reader', reader);
    await reader.emitLocked('status', { state: 0x20, atr: Buffer.from([0x3b, 0x00]) });
    expect(driver.readers()[0]?.cardPresent).toBe(true);

    const removed = new Promise((resolve) => driver.once('reader-removed', resolve));
    await reader.emitLocked('end');
    await removed;
    await new Promise((r) => setImmediate(r));
    expect(hangs).toEqual([]);
    expect(closed).toContain('Virtual PCD 00 00');
    await driver.close();
  });

  it('closing the driver from a promise a reader event settles closes nothing inside the event', async () => {
    hangs.length = 0;
    closed.length = 0;
    const driver = new PcscReaderDriver({ reconnectMs: 10 });
    driver.start();
    const reader = new FakeReader('Virtual PCD 00 01');
    context.emit('reader', reader);
    await reader.emitLocked('status', { state: 0x20, atr: Buffer.from([0x3b, 0x00]) });
    // As a test's afterEach does: wait for the removal, then close the driver at once.
    const closing = new Promise<Promise<void>>((resolve) => driver.once('card-removed', () => resolve(driver.close())));
    await reader.emitLocked('status', { state: 0x10 });
    await closing;
    expect(hangs).toEqual([]);
    expect(closed).toEqual(expect.arrayContaining(['Virtual PCD 00 01', 'context']));
  });
});
