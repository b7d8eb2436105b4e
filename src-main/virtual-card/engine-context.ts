import type { KeyObject } from 'node:crypto';
import type { VirtualCardState } from '../../src-shared/card/virtual-card-state.js';
import type { ParsedCommand } from '../card/apdu.js';

// What every command handler of the virtual card sees: the persistent state (saved after each
// change), the volatile state (lost on power-off or reset), and a way to ask for a save.

export interface VolatileState {
  pinVerified: boolean;
  /** Set by VERIFY, consumed by one use of a PIN-always slot (9C). */
  pinJustVerified: boolean;
  managementAuthenticated: boolean;
  /** Mutual authentication: the witness the card sent, awaiting the host's decryption. */
  pendingWitness?: { alg: number; witness: Buffer };
  /** External authentication: the challenge the card sent, awaiting its encryption. */
  pendingChallenge?: { alg: number; challenge: Buffer };
}

export interface EngineContext {
  readonly state: VirtualCardState;
  readonly volatile: VolatileState;
  /** Records that persistent state changed; the owner saves it before the answer goes out. */
  persist(): void;
  privateKey(slotHex: string): KeyObject | undefined;
  forgetKey(slotHex: string): void;
}

export interface Reply {
  readonly data?: Buffer;
  readonly sw: number;
}

export type Handler = (ctx: EngineContext, cmd: ParsedCommand) => Reply;

export const reply = (sw: number, data?: Buffer): Reply => (data ? { sw, data } : { sw });

export function freshVolatile(): VolatileState {
  return { pinVerified: false, pinJustVerified: false, managementAuthenticated: false };
}
