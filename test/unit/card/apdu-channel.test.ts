import { describe, expect, it } from 'vitest';
import { ApduChannel } from '../../../src-main/card/apdu-channel.js';
import { CardError } from '../../../src-main/card/card-error.js';
import { fromHex } from '../../../src-main/card/bytes.js';
import { ScriptedTransport, scriptedCard } from './support/scripted-transport.js';

const putData = { cla: 0x00, ins: 0xdb, p1: 0x3f, p2: 0xff } as const;
const getData = { cla: 0x00, ins: 0xcb, p1: 0x3f, p2: 0xff, data: fromHex('5c 03 5f c1 05'), ne: 256 } as const;

const pattern = (n: number, seed = 0): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 13 + seed) & 0xff));
const sw = (value: number): Buffer => Buffer.from([value >> 8, value & 0xff]);

/** A card that accepts every chained part with 9000 and answers the final part with `final`. */
function chainingCard(final: Buffer = sw(0x9000)): ScriptedTransport {
  return new ScriptedTransport((command) => ((command[0] as number) & 0x10 ? sw(0x9000) : final));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected the promise to reject');
}

describe('command chaining', () => {
  it('splits 600 bytes into 255 + 255 + 90 with CLA 0x10 on every part but the last', async () => {
    const card = chainingCard();
    const channel = new ApduChannel(card);
    const data = pattern(600);

    const resp = await channel.send({ ...putData, data });

    expect(resp).toEqual({ data: Buffer.alloc(0), sw: 0x9000 });
    expect(card.commands.map((c) => c.length)).toEqual([5 + 255, 5 + 255, 5 + 90]);
    expect(card.commands.map((c) => c[0])).toEqual([0x10, 0x10, 0x00]);
    for (const c of card.commands) expect([...c.subarray(1, 4)]).toEqual([0xdb, 0x3f, 0xff]);
    expect(card.commands.map((c) => c[4])).toEqual([255, 255, 90]);
    expect(Buffer.concat(card.commands.map((c) => c.subarray(5)))).toEqual(data);
    expect(channel.transmitted).toBe(3);
  });

  it('puts Le on the last part only', async () => {
    const card = chainingCard(Buffer.concat([pattern(4), sw(0x9000)]));
    const resp = await new ApduChannel(card).send({ ...putData, data: pattern(300), ne: 256 });
    expect(card.commands.map((c) => c.length)).toEqual([5 + 255, 5 + 45 + 1]);
    expect(card.commands[1]?.at(-1)).toBe(0x00);
    expect(resp).toEqual({ data: pattern(4), sw: 0x9000 });
  });

  it('sends exactly 255 bytes as one short APDU without chaining', async () => {
    const card = chainingCard();
    await new ApduChannel(card).send({ ...putData, data: pattern(255) });
    expect(card.commands.map((c) => [c[0], c.length])).toEqual([[0x00, 260]]);
  });

  it('stops the chain at the first part the card does not accept with 9000', async () => {
    const card = scriptedCard('6a80');
    const channel = new ApduChannel(card);
    const resp = await channel.send({ ...putData, data: pattern(600) });
    expect(resp).toEqual({ data: Buffer.alloc(0), sw: 0x6a80 });
    expect(channel.transmitted).toBe(1);
  });

  it('stops the chain when a middle part is refused', async () => {
    const card = scriptedCard('9000', '6982');
    const channel = new ApduChannel(card);
    const resp = await channel.send({ ...putData, data: pattern(600) });
    expect(resp.sw).toBe(0x6982);
    expect(card.commands.map((c) => c[0])).toEqual([0x10, 0x10]);
    expect(channel.transmitted).toBe(2);
  });
});

describe('response chaining (61xx and GET RESPONSE)', () => {
  it('follows 61xx with GET RESPONSE Le=xx and concatenates the data', async () => {
    const first = pattern(100, 1);
    const rest = pattern(16, 2);
    const card = scriptedCard(first.toString('hex') + '6110', rest.toString('hex') + '9000');
    const channel = new ApduChannel(card);

    const resp = await channel.send(getData);

    expect(resp).toEqual({ data: Buffer.concat([first, rest]), sw: 0x9000 });
    expect(card.hexCommands[1]).toBe('00c0000010');
    expect(channel.transmitted).toBe(2);
  });

  it('reads 6100 as 256 more bytes (GET RESPONSE with Le 00)', async () => {
    const parts = [pattern(256, 1), pattern(256, 2), pattern(5, 3)];
    const card = scriptedCard(
      parts[0]!.toString('hex') + '6100',
      parts[1]!.toString('hex') + '6105',
      parts[2]!.toString('hex') + '9000',
    );
    const channel = new ApduChannel(card);

    const resp = await channel.send(getData);

    expect(resp.sw).toBe(0x9000);
    expect(resp.data).toEqual(Buffer.concat(parts));
    expect(card.hexCommands.slice(1)).toEqual(['00c0000000', '00c0000005']);
    expect(channel.transmitted).toBe(3);
  });

  it('returns the final status of the GET RESPONSE sequence with the data gathered so far', async () => {
    const card = scriptedCard('aabb6102', '6a82');
    const resp = await new ApduChannel(card).send(getData);
    expect(resp).toEqual({ data: fromHex('aabb'), sw: 0x6a82 });
  });

  it('gives up with malformed-response when a card keeps sending 61xx with data', async () => {
    const card = new ScriptedTransport((_command, index) => {
      if (index > 10_000) throw new Error('the channel is still asking after 10000 GET RESPONSEs');
      return Buffer.concat([pattern(256), sw(0x6100)]);
    });
    const channel = new ApduChannel(card);

    const err = await rejection(channel.send(getData));

    expect(err).toBeInstanceOf(CardError);
    expect(err).toMatchObject({ code: 'malformed-response' });
    // 128 KiB of reassembled data at 256 bytes a frame, plus the first exchange.
    expect(channel.transmitted).toBeLessThanOrEqual(514);
  });

  it('gives up with malformed-response when a card keeps sending 61xx with no data', async () => {
    // The card never sends a byte, only ever "61 08: more to come". The fake stops after 100000
    // exchanges so that a channel that loops shows up as a failure rather than a hang.
    const card = new ScriptedTransport((_command, index) => {
      if (index >= 100_000) throw new Error('the channel was still sending GET RESPONSE after 100000 exchanges');
      return sw(0x6108);
    });
    const channel = new ApduChannel(card);

    const err = await rejection(channel.send(getData));

    expect(err).toBeInstanceOf(CardError);
    expect(err).toMatchObject({ code: 'malformed-response' });
  });
});

describe('6Cxx: wrong Le', () => {
  it('resends the same command once with Le=xx', async () => {
    const card = scriptedCard('6c20', pattern(0x20).toString('hex') + '9000');
    const channel = new ApduChannel(card);

    const resp = await channel.send(getData);

    expect(resp).toEqual({ data: pattern(0x20), sw: 0x9000 });
    expect(card.hexCommands).toEqual(['00cb3fff055c035fc10500', '00cb3fff055c035fc10520']);
    expect(channel.transmitted).toBe(2);
  });

  it('resends only once even if the card answers 6Cxx again', async () => {
    const card = scriptedCard('6c20', '6c10');
    const channel = new ApduChannel(card);
    const resp = await channel.send(getData);
    expect(resp).toEqual({ data: Buffer.alloc(0), sw: 0x6c10 });
    expect(channel.transmitted).toBe(2);
  });

  it('reads 6C00 as Le=256', async () => {
    const card = scriptedCard('6c00', '9000');
    await new ApduChannel(card).send({ cla: 0, ins: 0xfd, p1: 0, p2: 0, ne: 3 });
    expect(card.hexCommands).toEqual(['00fd000003', '00fd000000']);
  });

  it('follows 61xx after the resend', async () => {
    const card = scriptedCard('6c05', '0102036102', '04059000');
    const channel = new ApduChannel(card);
    const resp = await channel.send(getData);
    expect(resp).toEqual({ data: fromHex('0102030405'), sw: 0x9000 });
    expect(channel.transmitted).toBe(3);
  });
});

describe('malformed responses', () => {
  it.each(['', '90'])('a response of fewer than 2 bytes (%s) is a malformed-response CardError', async (raw) => {
    const err = await rejection(new ApduChannel(scriptedCard(raw)).send(getData));
    expect(err).toBeInstanceOf(CardError);
    expect(err).toMatchObject({ code: 'malformed-response' });
  });

  it('a short response to GET RESPONSE is also a malformed-response CardError', async () => {
    const err = await rejection(new ApduChannel(scriptedCard('aa6101', '')).send(getData));
    expect(err).toMatchObject({ code: 'malformed-response' });
  });

  it('lets a transport failure through unchanged', async () => {
    const failure = new Error('reader unplugged');
    const card = new ScriptedTransport(() => {
      throw failure;
    });
    await expect(new ApduChannel(card).send(getData)).rejects.toBe(failure);
  });
});

describe('sensitive commands', () => {
  const verify = { cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x80, data: fromHex('3132333435363738') } as const;

  it('wipes the encoded command after the transport has sent it', async () => {
    const card = scriptedCard('9000');
    await new ApduChannel(card).send(verify, { sensitive: true });

    expect(card.hexCommands).toEqual(['0020008008' + '3132333435363738']);
    expect(card.received).toHaveLength(1);
    expect([...card.received[0]!].every((b) => b === 0)).toBe(true);
  });

  it('leaves the caller own data alone: the caller decides when to wipe it', async () => {
    const data = fromHex('3132333435363738');
    await new ApduChannel(scriptedCard('9000')).send({ ...verify, data }, { sensitive: true });
    expect(data).toEqual(fromHex('3132333435363738'));
  });

  it('wipes every chained part and a 6Cxx resend', async () => {
    const secret = pattern(600, 7);
    const card = new ScriptedTransport((command, index) =>
      (command[0] as number) & 0x10 ? sw(0x9000) : index === 2 ? sw(0x6c08) : Buffer.concat([pattern(8), sw(0x9000)]),
    );
    await new ApduChannel(card).send({ ...putData, data: secret, ne: 8 }, { sensitive: true });

    expect(card.received).toHaveLength(4);
    for (const buffer of card.received) expect([...buffer].every((b) => b === 0)).toBe(true);
  });

  it('wipes the command even when the transport fails', async () => {
    const card = new ScriptedTransport(() => {
      throw new Error('reader unplugged');
    });
    await expect(new ApduChannel(card).send(verify, { sensitive: true })).rejects.toThrow('reader unplugged');
    expect([...card.received[0]!].every((b) => b === 0)).toBe(true);
  });

  it('does not wipe ordinary commands', async () => {
    const card = scriptedCard('9000');
    await new ApduChannel(card).send(verify);
    expect(Buffer.from(card.received[0]!)).toEqual(card.commands[0]);
  });
});

describe('transmitted counter and length modes', () => {
  it('counts chaining parts, the 6Cxx resend and GET RESPONSEs', async () => {
    const card = new ScriptedTransport((command, index) => {
      if ((command[0] as number) & 0x10) return sw(0x9000);
      if (index === 2) return sw(0x6c40);
      if (index === 3) return Buffer.concat([pattern(32), sw(0x6120)]);
      return Buffer.concat([pattern(32), sw(0x9000)]);
    });
    const channel = new ApduChannel(card);
    await channel.send({ ...putData, data: pattern(600), ne: 1 });
    expect(channel.transmitted).toBe(5);
    await channel.send({ cla: 0, ins: 0xfd, p1: 0, p2: 0 });
    expect(channel.transmitted).toBe(6);
    expect(card.commands).toHaveLength(6);
  });

  it('short mode clamps Ne above 256 to a Le of 00', async () => {
    const card = scriptedCard('9000');
    const channel = new ApduChannel(card);
    expect(channel.extendedLength).toBe(false);
    await channel.send({ cla: 0, ins: 0xcb, p1: 0x3f, p2: 0xff, ne: 4000 });
    expect(card.hexCommands).toEqual(['00cb3fff00']);
  });

  it('extended-length mode sends 600 bytes as one extended APDU', async () => {
    const card = scriptedCard('9000');
    const channel = new ApduChannel(card, { extendedLength: true });
    expect(channel.extendedLength).toBe(true);
    const data = pattern(600);

    await channel.send({ ...putData, data });

    expect(channel.transmitted).toBe(1);
    const sent = card.commands[0]!;
    expect(sent.length).toBe(7 + 600);
    expect(sent.subarray(0, 7)).toEqual(fromHex('00 db 3f ff 00 02 58'));
    expect(sent.subarray(7)).toEqual(data);
  });

  it('extended-length mode passes a large Ne through as an extended Le', async () => {
    const card = scriptedCard('9000');
    await new ApduChannel(card, { extendedLength: true }).send({ ...putData, data: pattern(600), ne: 65536 });
    expect(card.commands[0]!.subarray(-2)).toEqual(fromHex('0000'));
    expect(card.commands[0]!.length).toBe(7 + 600 + 2);
  });

  it('offers the transport room for the longest response frame', async () => {
    const card = scriptedCard('9000');
    await new ApduChannel(card).send(getData);
    expect(card.maxResponseLengths[0]).toBeGreaterThanOrEqual(65536 + 2);
  });
});
