import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fromHex } from '../../../src-main/card/bytes.js';
import { blankCardState } from '../../../src-main/virtual-card/blank-card.js';
import { PivCardEngine } from '../../../src-main/virtual-card/piv-card-engine.js';
import { VpcdCard } from '../../../src-main/virtual-card/vpcd-card.js';
import { block, FIXED_SERIAL, PIN_HEX } from './support/card-fixtures.js';

// The virtual card in a vpcd slot, against a fake vpcd listening on an ephemeral port of
// 127.0.0.1 (never the real 35963/35964, which the machine's pcscd uses).

const VERIFY_PIN = `0020008008${PIN_HEX}`;
const EMPTY_VERIFY = '00200080';

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The vpcd side of one connection: frames out, frames in. */
class VpcdConnection {
  private buffered = Buffer.alloc(0);
  private readonly frames: Buffer[] = [];
  private waiter?: (frame: Buffer) => void;
  readonly closed: Promise<void>;

  constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 2 && this.buffered.length >= 2 + this.buffered.readUInt16BE(0)) {
        const len = this.buffered.readUInt16BE(0);
        const frame = this.buffered.subarray(2, 2 + len);
        this.buffered = this.buffered.subarray(2 + len);
        const w = this.waiter;
        if (w) {
          this.waiter = undefined;
          w(frame);
        } else this.frames.push(frame);
      }
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  /** Frames the card sent that nobody has read yet. */
  get unread(): number {
    return this.frames.length;
  }

  write(raw: Buffer | string): void {
    this.socket.write(typeof raw === 'string' ? fromHex(raw) : raw);
  }

  sendFrame(payloadHex: string): void {
    const payload = fromHex(payloadHex);
    const head = Buffer.alloc(2);
    head.writeUInt16BE(payload.length);
    this.write(Buffer.concat([head, payload]));
  }

  readFrame(ms = 2000): Promise<Buffer> {
    const ready = this.frames.shift();
    if (ready) return Promise.resolve(ready);
    return within(new Promise<Buffer>((resolve) => (this.waiter = resolve)), ms, 'a frame from the card');
  }

  async transmit(apduHex: string): Promise<string> {
    this.sendFrame(apduHex);
    return (await this.readFrame()).toString('hex');
  }
}

/** A stand-in for vpcd: listens, and hands out each card connection. */
class FakeVpcd {
  readonly connections: VpcdConnection[] = [];
  private waiters: Array<(c: VpcdConnection) => void> = [];

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {
    server.on('connection', (socket) => {
      const c = new VpcdConnection(socket);
      this.connections.push(c);
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w(c);
    });
  }

  static start(port = 0): Promise<FakeVpcd> {
    const server = createServer();
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve(new FakeVpcd(server, (server.address() as AddressInfo).port)));
    });
  }

  /** The next (or the first, if it already came) card connection. */
  nextConnection(ms = 2000, after = 0): Promise<VpcdConnection> {
    const existing = this.connections[after];
    if (existing) return Promise.resolve(existing);
    return within(new Promise((resolve) => this.waiters.push(resolve)), ms, 'the card to connect');
  }

  /** vpcd goes away: every connection closed, nothing listening. */
  async stop(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function setup(retryMs = 20): Promise<{ vpcd: FakeVpcd; card: VpcdCard; engine: PivCardEngine; conn: VpcdConnection; events: string[] }> {
  const vpcd = await FakeVpcd.start();
  const engine = new PivCardEngine(blankCardState(FIXED_SERIAL));
  const card = new VpcdCard({ engine, port: vpcd.port, host: '127.0.0.1', retryMs });
  const events: string[] = [];
  card.on('inserted', () => events.push('inserted'));
  card.on('removed', (why) => events.push(`removed:${why}`));
  card.on('vanished', () => events.push('vanished'));
  cleanups.push(async () => {
    await card.remove();
    await vpcd.stop().catch(() => undefined);
  });
  await within(card.insert(), 2000, 'insert()');
  const conn = await vpcd.nextConnection();
  return { vpcd, card, engine, conn, events };
}

function once<T extends unknown[]>(card: VpcdCard, event: 'inserted' | 'removed' | 'vanished', ms = 2000): Promise<T> {
  return within(new Promise<T>((resolve) => card.once(event, (...args: unknown[]) => resolve(args as T))), ms, `'${event}'`);
}

describe('framing', () => {
  it('answers GET ATR (00 01 04) with the ATR in a length-prefixed frame', async () => {
    const { conn, engine, card, events } = await setup();
    expect(card.inserted).toBe(true);
    expect(events).toEqual(['inserted']);
    conn.write('0001 04');
    const raw = await new Promise<Buffer>((resolve) => conn.socket.once('data', resolve));
    expect(raw.readUInt16BE(0)).toBe(engine.atr.length);
    expect(raw.subarray(2)).toEqual(engine.atr);
    expect(engine.atr.subarray(0, 2).toString('hex')).toBe('3b95');
    // T=1 ATRs carry TCK: T0..TCK XOR to zero, or pcscd rejects the card.
    expect(engine.atr.subarray(1).reduce((acc, b) => acc ^ b, 0)).toBe(0);
  });

  it('answers an APDU frame with exactly what the engine answers', async () => {
    const { conn } = await setup();
    expect(await conn.transmit('00fd000000')).toBe('0504039000');
    expect(await conn.transmit('00f8000000')).toBe('0a0b0c0d9000');
    expect(await conn.transmit('00a4040005a00000030800')).toMatch(/^61.*4f06000010000100.*9000$/);
    expect(await conn.transmit('80fd000000')).toBe('6e00');
  });

  it('reassembles a frame delivered one byte at a time', async () => {
    const { conn } = await setup();
    const payload = fromHex(VERIFY_PIN);
    const framed = Buffer.concat([Buffer.from([0, payload.length]), payload]);
    for (const byte of framed) {
      conn.write(Buffer.from([byte]));
      await sleep(1);
    }
    expect((await conn.readFrame()).toString('hex')).toBe('9000');
    expect(await conn.transmit(EMPTY_VERIFY)).toBe('9000');
  });

  it('answers several frames that arrive in one chunk, in order', async () => {
    const { conn } = await setup();
    const frames = ['00fd000000', '04', '00f8000000'].map((h) => {
      const p = fromHex(h);
      return Buffer.concat([Buffer.from([0, p.length]), p]);
    });
    conn.write(Buffer.concat(frames));
    expect((await conn.readFrame()).toString('hex')).toBe('0504039000');
    expect((await conn.readFrame()).subarray(0, 2).toString('hex')).toBe('3b95');
    expect((await conn.readFrame()).toString('hex')).toBe('0a0b0c0d9000');
  });

  it('power off (00 01 00) clears the verified PIN and sends nothing back', async () => {
    const { conn } = await setup();
    expect(await conn.transmit(VERIFY_PIN)).toBe('9000');
    expect(await conn.transmit(EMPTY_VERIFY)).toBe('9000');
    conn.write('0001 00');
    conn.write('0001 01');
    // The next frame from the card is the answer to this VERIFY, not an answer to power off/on.
    expect(await conn.transmit(EMPTY_VERIFY)).toBe('63c3');
    expect(conn.unread).toBe(0);
  });

  it('reset (00 01 02) also clears the verified PIN but keeps the counters', async () => {
    const { conn } = await setup();
    expect(await conn.transmit(`0020008008${block('000000')}`)).toBe('63c2');
    expect(await conn.transmit(VERIFY_PIN)).toBe('9000');
    expect(await conn.transmit(`0020008008${block('000000')}`)).toBe('63c2');
    conn.write('0001 02');
    expect(await conn.transmit(EMPTY_VERIFY)).toBe('63c2');
  });
});

describe('fault injection', () => {
  it('vanishAfter(n) answers n commands, then closes the socket on the next one and reports it', async () => {
    const { conn, card, events } = await setup();
    card.faults.vanishAfter(2);
    const removed = once<[string]>(card, 'removed');
    expect(await conn.transmit('00fd000000')).toBe('0504039000');
    conn.write('0001 04'); // control messages are not commands
    expect((await conn.readFrame()).length).toBeGreaterThan(2);
    expect(await conn.transmit(EMPTY_VERIFY)).toBe('63c3');
    conn.sendFrame(VERIFY_PIN);
    await within(conn.closed, 2000, 'the card to close the socket');
    expect(await removed).toEqual(['vanished']);
    expect(conn.unread).toBe(0);
    expect(card.inserted).toBe(false);
    expect(events).toEqual(['inserted', 'vanished', 'removed:vanished']);
  });

  it('a vanished card stays out: it does not reconnect by itself', async () => {
    const { conn, card, vpcd } = await setup(10);
    card.faults.vanishAfter(0);
    conn.sendFrame('00fd000000');
    await within(conn.closed, 2000, 'the card to close the socket');
    await sleep(120);
    expect(vpcd.connections).toHaveLength(1);
  });

  it("'before-processing' loses the command; 'after-processing' acts on it and loses only the answer", async () => {
    const before = await setup();
    before.card.faults.vanishAfter(0, 'before-processing');
    before.conn.sendFrame(VERIFY_PIN.replace(PIN_HEX, block('000000')));
    await within(before.conn.closed, 2000, 'the card to vanish');
    expect(before.engine.snapshot().pin.triesLeft).toBe(3);

    const after = await setup();
    after.card.faults.vanishAfter(0, 'after-processing');
    after.conn.sendFrame(VERIFY_PIN.replace(PIN_HEX, block('000000')));
    await within(after.conn.closed, 2000, 'the card to vanish');
    expect(after.engine.snapshot().pin.triesLeft).toBe(2);
    expect(after.conn.unread).toBe(0);
  });
});

describe('connection life cycle', () => {
  it('reconnects by itself when vpcd goes away and comes back on the same port', async () => {
    const { vpcd, card, conn, events } = await setup(10);
    expect(await conn.transmit(VERIFY_PIN)).toBe('9000');
    const removed = once<[string]>(card, 'removed');
    await vpcd.stop();
    expect(await removed).toEqual(['reader-gone']);
    expect(card.inserted).toBe(false);
    await sleep(50); // a few refused attempts while nobody listens

    const inserted = once(card, 'inserted');
    const back = await FakeVpcd.start(vpcd.port);
    cleanups.push(() => back.stop());
    const conn2 = await back.nextConnection();
    await inserted;
    expect(card.inserted).toBe(true);
    expect(await conn2.transmit('00fd000000')).toBe('0504039000');
    // A new connection is a fresh power-up: the PIN is no longer verified.
    expect(await conn2.transmit(EMPTY_VERIFY)).toBe('63c3');
    expect(events).toEqual(['inserted', 'removed:reader-gone', 'inserted']);
  });

  it('insert() waits for vpcd if it is not there yet', async () => {
    const probe = await FakeVpcd.start();
    const port = probe.port;
    await probe.stop();
    const engine = new PivCardEngine(blankCardState(FIXED_SERIAL));
    const card = new VpcdCard({ engine, port, retryMs: 10 });
    cleanups.push(() => card.remove());
    let done = false;
    const inserting = card.insert().then(() => (done = true));
    await sleep(60);
    expect(done).toBe(false);
    const vpcd = await FakeVpcd.start(port);
    cleanups.push(() => vpcd.stop());
    await within(inserting, 2000, 'insert() to resolve');
    const conn = await vpcd.nextConnection();
    expect(await conn.transmit('00fd000000')).toBe('0504039000');
  });

  it('calling insert() again while the card waits to reconnect still gives one connection', async () => {
    const { vpcd, card } = await setup(30);
    const removed = once(card, 'removed');
    await vpcd.stop();
    await removed;
    const inserting = card.insert(); // e.g. a supervisor re-inserting after 'removed'
    const back = await FakeVpcd.start(vpcd.port);
    cleanups.push(() => back.stop());
    await within(inserting, 2000, 'insert() to resolve');
    const conn = await back.nextConnection();
    await sleep(150); // longer than several retry periods
    expect(await conn.transmit('00fd000000')).toBe('0504039000');
    // remove() must take the card out of the reader entirely: no connection may stay open.
    await card.remove();
    await sleep(20);
    const open = back.connections.filter((c) => !c.socket.destroyed && c.socket.readyState === 'open');
    expect({ connections: back.connections.length, openAfterRemove: open.length }).toEqual({ connections: 1, openAfterRemove: 0 });
  });

  it('remove() closes the connection cleanly, reports stopped, and does not reconnect', async () => {
    const { vpcd, card, conn, events } = await setup(10);
    await within(card.remove(), 2000, 'remove()');
    await within(conn.closed, 2000, 'vpcd to see the close');
    expect(card.inserted).toBe(false);
    expect(events).toEqual(['inserted', 'removed:stopped']);
    await sleep(100);
    expect(vpcd.connections).toHaveLength(1);
    await within(card.remove(), 500, 'a second remove()');
  });

  it('remove() while waiting for vpcd stops the retries', async () => {
    const { vpcd, card } = await setup(10);
    const removed = once(card, 'removed');
    await vpcd.stop();
    await removed;
    await card.remove();
    const back = await FakeVpcd.start(vpcd.port);
    cleanups.push(() => back.stop());
    await sleep(100);
    expect(back.connections).toHaveLength(0);
  });

  it('a removed card can be inserted again and answers as before', async () => {
    const { vpcd, card } = await setup(10);
    await card.remove();
    await within(card.insert(), 2000, 'insert() again');
    const conn2 = await vpcd.nextConnection(2000, 1);
    expect(await conn2.transmit('00f8000000')).toBe('0a0b0c0d9000');
    expect(vpcd.connections).toHaveLength(2);
  });
});
