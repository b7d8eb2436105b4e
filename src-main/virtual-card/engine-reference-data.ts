import { timingSafeEqual } from 'node:crypto';
import { digestReferenceData } from '../../src-shared/card/reference-data.js';
import type { ReferenceDataState } from '../../src-shared/card/virtual-card-state.js';
import { KEY_REF } from '../card/piv/piv-constants.js';
import { SW } from '../card/status-words.js';
import { wipe } from '../card/bytes.js';
import { referenceData } from './blank-card.js';
import { reply, type EngineContext, type Handler, type Reply } from './engine-context.js';

// VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER, with the PIN and PUK retry counters.

function matches(ref: ReferenceDataState, padded: Uint8Array): boolean {
  const digest = digestReferenceData(Buffer.from(ref.salt, 'hex'), padded);
  const expected = Buffer.from(ref.digest, 'hex');
  return digest.length === expected.length && timingSafeEqual(digest, expected);
}

/** A padded value is 6-8 bytes followed by FF padding, with no FF inside the value. */
function validNewValue(padded: Uint8Array): boolean {
  let length = padded.length;
  while (length > 0 && padded[length - 1] === 0xff) length--;
  if (length < 6 || length > 8) return false;
  for (let i = 0; i < length; i++) if (padded[i] === 0xff) return false;
  return true;
}

/** Checks a value against a counter: right restores the tries, wrong spends one. */
function check(ctx: EngineContext, ref: ReferenceDataState, padded: Uint8Array): Reply | undefined {
  if (ref.triesLeft === 0) return reply(SW.AUTH_BLOCKED);
  if (matches(ref, padded)) {
    if (ref.triesLeft !== ref.maxTries) {
      ref.triesLeft = ref.maxTries;
      ctx.persist();
    }
    return undefined;
  }
  ref.triesLeft -= 1;
  ctx.persist();
  return reply(0x63c0 | ref.triesLeft);
}

function replaceValue(ctx: EngineContext, ref: ReferenceDataState, padded: Uint8Array): void {
  let length = padded.length;
  while (length > 0 && padded[length - 1] === 0xff) length--;
  const fresh = referenceData(padded.subarray(0, length), ref.maxTries);
  Object.assign(ref, fresh);
  ctx.persist();
}

export const verify: Handler = (ctx, cmd) => {
  if (cmd.p2 !== KEY_REF.PIN) return reply(SW.REFERENCE_NOT_FOUND);
  if (cmd.p1 === 0xff) {
    if (cmd.data.length !== 0) return reply(SW.WRONG_DATA);
    ctx.volatile.pinVerified = false;
    ctx.volatile.pinJustVerified = false;
    return reply(SW.OK);
  }
  if (cmd.p1 !== 0x00) return reply(SW.INCORRECT_P1P2);
  const pin = ctx.state.pin;
  if (cmd.data.length === 0) {
    if (pin.triesLeft === 0) return reply(SW.AUTH_BLOCKED);
    return reply(ctx.volatile.pinVerified ? SW.OK : 0x63c0 | pin.triesLeft);
  }
  if (cmd.data.length !== 8) return reply(SW.WRONG_DATA);
  const failure = check(ctx, pin, cmd.data);
  wipe(cmd.data);
  if (failure) {
    ctx.volatile.pinVerified = false;
    ctx.volatile.pinJustVerified = false;
    return failure;
  }
  ctx.volatile.pinVerified = true;
  ctx.volatile.pinJustVerified = true;
  return reply(SW.OK);
};

export const changeReferenceData: Handler = (ctx, cmd) => {
  if (cmd.p1 !== 0x00) return reply(SW.INCORRECT_P1P2);
  const ref = cmd.p2 === KEY_REF.PIN ? ctx.state.pin : cmd.p2 === KEY_REF.PUK ? ctx.state.puk : undefined;
  if (!ref) return reply(SW.REFERENCE_NOT_FOUND);
  if (cmd.data.length !== 16) return reply(SW.WRONG_DATA);
  const current = cmd.data.subarray(0, 8);
  const next = cmd.data.subarray(8, 16);
  try {
    if (ref.triesLeft === 0) return reply(SW.AUTH_BLOCKED);
    // A malformed new value is refused before the old one is checked, so it costs no attempt.
    if (!validNewValue(next)) return reply(SW.WRONG_DATA);
    const failure = check(ctx, ref, current);
    if (failure) return failure;
    replaceValue(ctx, ref, next);
    if (ref === ctx.state.pin) ctx.volatile.pinVerified = true;
    return reply(SW.OK);
  } finally {
    wipe(cmd.data);
  }
};

export const resetRetryCounter: Handler = (ctx, cmd) => {
  if (cmd.p1 !== 0x00) return reply(SW.INCORRECT_P1P2);
  if (cmd.p2 !== KEY_REF.PIN) return reply(SW.REFERENCE_NOT_FOUND);
  if (cmd.data.length !== 16) return reply(SW.WRONG_DATA);
  const puk = cmd.data.subarray(0, 8);
  const newPin = cmd.data.subarray(8, 16);
  try {
    if (ctx.state.puk.triesLeft === 0) return reply(SW.AUTH_BLOCKED);
    if (!validNewValue(newPin)) return reply(SW.WRONG_DATA);
    const failure = check(ctx, ctx.state.puk, puk);
    if (failure) return failure;
    replaceValue(ctx, ctx.state.pin, newPin);
    ctx.state.pin.triesLeft = ctx.state.pin.maxTries;
    ctx.volatile.pinVerified = false;
    return reply(SW.OK);
  } finally {
    wipe(cmd.data);
  }
};
