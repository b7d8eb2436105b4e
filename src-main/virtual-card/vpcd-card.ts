import { EventEmitter } from 'node:events';
import { connect, type Socket } from 'node:net';
import type { PivCardEngine } from './piv-card-engine.js';
import { FaultPlan } from './fault-plan.js';

// Puts a card engine into a vpcd reader slot. vpcd (the pcscd driver) listens on
// 127.0.0.1:35963+slot; the card connects as a client. Connected = card inserted, socket closed =
// card removed. Every message in both directions is a 2-byte big-endian length and that many bytes;
// a 1-byte message is a control code from vpcd.

export const VPCD_BASE_PORT = 35963;

const CONTROL = { POWER_OFF: 0, POWER_ON: 1, RESET: 2, GET_ATR: 4 } as const;

export interface VpcdCardOptions {
  readonly engine: PivCardEngine;
  readonly port: number;
  readonly host?: string;
  /** Delay between connection attempts while vpcd is not there (pcscd stopped or restarting). */
  readonly retryMs?: number;
}

export interface VpcdCardEvents {
  inserted: [];
  removed: [reason: 'stopped' | 'vanished' | 'reader-gone'];
  vanished: [];
}

export class VpcdCard extends EventEmitter<VpcdCardEvents> {
  readonly faults = new FaultPlan();
  private socket?: Socket;
  private wanted = false;
  private retryTimer?: NodeJS.Timeout;

  constructor(private readonly options: VpcdCardOptions) {
    super();
  }

  get inserted(): boolean {
    return this.socket !== undefined && !this.socket.destroyed && this.socket.readyState === 'open';
  }

  /** Inserts the card: connects now, and again whenever vpcd comes back. */
  insert(): Promise<void> {
    this.wanted = true;
    if (this.inserted) return Promise.resolve();
    return new Promise((resolve) => {
      this.once('inserted', resolve);
      // Connect now unless a connection attempt is already under way.
      if (!this.socket) this.connectOnce();
    });
  }

  /** Removes the card; resolves once the socket is closed. */
  remove(): Promise<void> {
    this.wanted = false;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const s = this.socket;
    if (!s) return Promise.resolve();
    return new Promise((resolve) => {
      s.once('close', () => resolve());
      s.destroy();
    });
  }

  private connectOnce(): void {
    // One connection at a time: a pending retry is superseded by this attempt.
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const socket = connect({ host: this.options.host ?? '127.0.0.1', port: this.options.port });
    this.socket = socket;
    const stream = { buffered: Buffer.alloc(0) as Buffer };
    socket.setNoDelay(true);
    let vanished = false;
    let opened = false;
    socket.on('connect', () => {
      opened = true;
      this.emit('inserted');
    });
    socket.on('data', (chunk) => {
      if (this.handleData(socket, stream, chunk) === 'vanished') vanished = true;
    });
    socket.on('error', () => {
      // Connection refused or reset: vpcd is gone; 'close' follows and decides what next.
    });
    socket.on('close', () => {
      // A socket that is no longer the current one has nothing more to say.
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.options.engine.reset();
      if (vanished) {
        this.wanted = false;
        this.emit('removed', 'vanished');
        return;
      }
      if (opened) this.emit('removed', this.wanted ? 'reader-gone' : 'stopped');
      if (this.wanted && !this.retryTimer) this.retryTimer = setTimeout(() => this.connectOnce(), this.options.retryMs ?? 250);
    });
  }

  private handleData(socket: Socket, stream: { buffered: Buffer }, chunk: Buffer): 'vanished' | undefined {
    stream.buffered = stream.buffered.length ? Buffer.concat([stream.buffered, chunk]) : chunk;
    while (stream.buffered.length >= 2) {
      const length = stream.buffered.readUInt16BE(0);
      if (stream.buffered.length < 2 + length) break;
      const message = stream.buffered.subarray(2, 2 + length);
      stream.buffered = stream.buffered.subarray(2 + length);
      if (length === 1) {
        this.control(socket, message[0] as number);
        continue;
      }
      if (length === 0) continue;
      const fault = this.faults.next();
      if (fault === 'before-processing') return this.vanish(socket);
      const response = this.answer(message);
      if (fault === 'after-processing') return this.vanish(socket);
      socket.write(frame(response));
    }
    return undefined;
  }

  /** A card never goes silent on a bad state: an internal failure answers 6F00 (no diagnosis). */
  private answer(apdu: Buffer): Buffer {
    try {
      return this.options.engine.process(apdu);
    } catch {
      return Buffer.from([0x6f, 0x00]);
    }
  }

  private control(socket: Socket, code: number): void {
    if (code === CONTROL.GET_ATR) {
      socket.write(frame(this.options.engine.atr));
    } else if (code === CONTROL.POWER_OFF || code === CONTROL.POWER_ON || code === CONTROL.RESET) {
      this.options.engine.reset();
    }
  }

  private vanish(socket: Socket): 'vanished' {
    this.wanted = false;
    socket.destroy();
    this.emit('vanished');
    return 'vanished';
  }
}

function frame(body: Uint8Array): Buffer {
  const out = Buffer.alloc(2 + body.length);
  out.writeUInt16BE(body.length, 0);
  out.set(body, 2);
  return out;
}
