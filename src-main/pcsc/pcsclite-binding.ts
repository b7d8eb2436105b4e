import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';

// The slice of the `pcsclite` native binding this project uses, loaded on first use so that
// code paths without real readers (training mode, unit tests) never need libpcsclite.

export interface PcscReaderHandle extends EventEmitter {
  readonly name: string;
  readonly connected: boolean;
  readonly SCARD_SHARE_SHARED: number;
  readonly SCARD_SHARE_EXCLUSIVE: number;
  readonly SCARD_PROTOCOL_T0: number;
  readonly SCARD_PROTOCOL_T1: number;
  readonly SCARD_STATE_PRESENT: number;
  readonly SCARD_STATE_MUTE: number;
  readonly SCARD_LEAVE_CARD: number;
  readonly SCARD_RESET_CARD: number;
  connect(options: { share_mode: number; protocol: number }, cb: (err: Error | null | undefined, protocol: number) => void): void;
  disconnect(disposition: number, cb: (err: Error | null | undefined) => void): void;
  transmit(data: Buffer, resLen: number, protocol: number, cb: (err: Error | null | undefined, response: Buffer) => void): void;
  close(): void;
}

export interface PcscContextHandle extends EventEmitter {
  close(): void;
}

type PcscFactory = () => PcscContextHandle;

let factory: PcscFactory | undefined;

/** Opens a PC/SC context; throws (synchronously) when pcscd is not reachable. */
export function openPcscContext(): PcscContextHandle {
  factory ??= createRequire(import.meta.url)('pcsclite') as PcscFactory;
  return factory();
}
