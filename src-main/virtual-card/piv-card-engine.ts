import { createPrivateKey, type KeyObject } from 'node:crypto';
import { VirtualCardState } from '../../src-shared/card/virtual-card-state.js';
import { ApduFormatError, encodeResponse, parseCommand, type ParsedCommand } from '../card/apdu.js';
import { INS, PIV_AID, PIV_RID_LENGTH } from '../card/piv/piv-constants.js';
import { SW } from '../card/status-words.js';
import { tlv } from '../../src-shared/card/tlv.js';
import { VIRTUAL_CARD_ATR } from './atr.js';
import { freshVolatile, reply, type EngineContext, type Handler, type Reply, type VolatileState } from './engine-context.js';
import { changeReferenceData, resetRetryCounter, verify } from './engine-reference-data.js';
import { getData, putData } from './engine-data-objects.js';
import { generalAuthenticate } from './engine-authenticate.js';
import { generateAsymmetric } from './engine-generate.js';
import { getSerial, getVersion, resetCard, setManagementKey, setPinRetries } from './engine-yubico.js';
import { getMetadata } from './engine-metadata.js';
import { attest, ATTESTATION_KEY_SLOT } from './engine-attest.js';

// A PIV card in software: parses each command APDU, runs command chaining and response chaining,
// dispatches to the handlers, and saves persistent state before answering (as a card commits to
// EEPROM before it sends its status word).

/** One processed command, without its data (which may hold a passcode). */
export interface CommandRecord {
  readonly cla: number;
  readonly ins: number;
  readonly p1: number;
  readonly p2: number;
  readonly nc: number;
  readonly sw: number;
}

export interface EngineOptions {
  /** Called with the new state after every persistent change, before the card answers. */
  readonly onPersist?: (state: VirtualCardState) => void;
  /** Called after every command APDU (the card's own log). */
  readonly onCommand?: (record: CommandRecord) => void;
}

const HANDLERS: Partial<Record<number, Handler>> = {
  [INS.VERIFY]: verify,
  [INS.CHANGE_REFERENCE_DATA]: changeReferenceData,
  [INS.RESET_RETRY_COUNTER]: resetRetryCounter,
  [INS.GET_DATA]: getData,
  [INS.PUT_DATA]: putData,
  [INS.GENERAL_AUTHENTICATE]: generalAuthenticate,
  [INS.GENERATE_ASYMMETRIC]: generateAsymmetric,
  [INS.GET_VERSION]: getVersion,
  [INS.GET_SERIAL]: getSerial,
  [INS.SET_MGMKEY]: setManagementKey,
  [INS.SET_PIN_RETRIES]: setPinRetries,
  [INS.RESET]: resetCard,
  [INS.GET_METADATA]: getMetadata,
  [INS.ATTEST]: attest,
};

const MAX_CHAIN_BYTES = 16 * 1024;
const SELECT_RESPONSE = tlv(
  0x61,
  tlv(0x4f, Buffer.from('000010000100', 'hex')),
  tlv(0x79, tlv(0x4f, PIV_AID.subarray(0, PIV_RID_LENGTH))),
  tlv(0x50, Buffer.from('Care Identity virtual PIV', 'ascii')),
);

export class PivCardEngine {
  readonly atr = VIRTUAL_CARD_ATR;
  private readonly current: VirtualCardState;
  private volatile: VolatileState = freshVolatile();
  private chain?: { ins: number; p1: number; p2: number; data: Buffer[]; size: number };
  private pending?: { data: Buffer; offset: number };
  private readonly keyCache = new Map<string, KeyObject>();
  private dirty = false;

  constructor(
    state: VirtualCardState,
    private readonly options: EngineOptions = {},
  ) {
    this.current = VirtualCardState.parse(structuredClone(state));
  }

  /** A copy of the persistent state. */
  snapshot(): VirtualCardState {
    return structuredClone(this.current);
  }

  /** Power off or warm reset: everything volatile is forgotten, persistent state stays. */
  reset(): void {
    this.volatile = freshVolatile();
    this.chain = undefined;
    this.pending = undefined;
  }

  process(apdu: Uint8Array): Buffer {
    let cmd: ParsedCommand;
    try {
      cmd = parseCommand(apdu);
    } catch (err) {
      if (err instanceof ApduFormatError) return this.finish(undefined, reply(SW.WRONG_LENGTH));
      throw err;
    }
    return this.finish(cmd, this.dispatch(cmd));
  }

  private finish(cmd: ParsedCommand | undefined, r: Reply): Buffer {
    if (this.dirty) {
      this.dirty = false;
      this.options.onPersist?.(this.snapshot());
    }
    let out: Reply = r;
    if (r.sw === SW.OK && r.data && cmd) out = this.chunk(r.data, cmd);
    if (cmd) this.options.onCommand?.({ cla: cmd.cla, ins: cmd.ins, p1: cmd.p1, p2: cmd.p2, nc: cmd.data.length, sw: out.sw });
    return encodeResponse(out.data ?? Buffer.alloc(0), out.sw);
  }

  /** Response chaining: at most Ne bytes (256 for short commands), then 61xx for the rest. */
  private chunk(data: Buffer, cmd: ParsedCommand): Reply {
    const limit = cmd.extended ? cmd.ne || 65536 : Math.min(cmd.ne || 256, 256);
    if (data.length <= limit) return reply(SW.OK, data);
    this.pending = { data, offset: limit };
    return reply(moreDataSw(data.length - limit), data.subarray(0, limit));
  }

  private dispatch(cmd: ParsedCommand): Reply {
    if (cmd.ins === INS.GET_RESPONSE && cmd.cla === 0x00) return this.getResponse(cmd);
    // Any other command discards a pending response.
    this.pending = undefined;
    if (cmd.cla !== 0x00 && cmd.cla !== 0x10) return reply(SW.CLA_NOT_SUPPORTED);
    if (cmd.cla === 0x10) return this.appendChain(cmd);
    if (this.chain) {
      const c = this.chain;
      this.chain = undefined;
      if (c.ins === cmd.ins && c.p1 === cmd.p1 && c.p2 === cmd.p2) {
        const data = Buffer.concat([...c.data, cmd.data]);
        return this.run({ ...cmd, data });
      }
    }
    return this.run(cmd);
  }

  private appendChain(cmd: ParsedCommand): Reply {
    const c = this.chain;
    if (c && (c.ins !== cmd.ins || c.p1 !== cmd.p1 || c.p2 !== cmd.p2)) this.chain = undefined;
    const chain = this.chain ?? { ins: cmd.ins, p1: cmd.p1, p2: cmd.p2, data: [], size: 0 };
    chain.size += cmd.data.length;
    if (chain.size > MAX_CHAIN_BYTES) {
      this.chain = undefined;
      return reply(SW.NOT_ENOUGH_MEMORY);
    }
    chain.data.push(Buffer.from(cmd.data));
    this.chain = chain;
    return reply(SW.OK);
  }

  private getResponse(cmd: ParsedCommand): Reply {
    const p = this.pending;
    if (!p) return reply(SW.CONDITIONS_NOT_SATISFIED);
    const n = Math.min(cmd.ne || 256, p.data.length - p.offset);
    const part = p.data.subarray(p.offset, p.offset + n);
    p.offset += n;
    const left = p.data.length - p.offset;
    if (left === 0) {
      this.pending = undefined;
      return reply(SW.OK, part);
    }
    return { sw: moreDataSw(left), data: part };
  }

  private run(cmd: ParsedCommand): Reply {
    if (cmd.ins === INS.SELECT) return this.select(cmd);
    const handler = HANDLERS[cmd.ins];
    if (!handler) return reply(SW.INS_NOT_SUPPORTED);
    return handler(this.context(), cmd);
  }

  private select(cmd: ParsedCommand): Reply {
    const aid = cmd.data;
    const isPiv = cmd.p1 === 0x04 && aid.length >= PIV_RID_LENGTH && aid.length <= PIV_AID.length && PIV_AID.subarray(0, aid.length).equals(aid);
    // Unknown applications: not found, and PIV stays selected with its security state.
    if (!isPiv) return reply(SW.NOT_FOUND);
    return cmd.p2 === 0x0c ? reply(SW.OK) : reply(SW.OK, SELECT_RESPONSE);
  }

  private context(): EngineContext {
    return {
      state: this.current,
      volatile: this.volatile,
      persist: () => {
        this.dirty = true;
      },
      privateKey: (slot) => {
        const cached = this.keyCache.get(slot);
        if (cached) return cached;
        // The attestation key is kept apart from the slots a host can generate or use.
        const stored = slot === ATTESTATION_KEY_SLOT ? this.current.attestation : this.current.keys[slot];
        if (!stored) return undefined;
        const key = createPrivateKey({ key: Buffer.from(stored.pkcs8, 'base64'), format: 'der', type: 'pkcs8' });
        this.keyCache.set(slot, key);
        return key;
      },
      forgetKey: (slot) => {
        this.keyCache.delete(slot);
      },
    };
  }
}

function moreDataSw(left: number): number {
  return 0x6100 | (left >= 256 ? 0 : left);
}
