import { ApduChannel } from '../src-main/card/apdu-channel.js';
import { INS } from '../src-main/card/piv/piv-constants.js';
import { blankCardState } from '../src-main/virtual-card/blank-card.js';
import { InProcessReaderDriver } from '../src-main/virtual-card/in-process-readers.js';
import { PivCardEngine } from '../src-main/virtual-card/piv-card-engine.js';
import type { ReaderDriver } from '../src-main/pcsc/reader-driver.js';
import { fmt, median, percentile } from './support/stats.js';
import { runIfMain } from './support/run-main.js';
import { quickack, READER_0, startBenchCard } from './support/pcsc-card.js';

// APDU round trip (GET VERSION, 5 bytes out, 5 back) through pcscd + vpcd with and without the
// loopback quick-ACK fix, and through the in-process reader that training mode uses.

async function roundTrips(driver: ReaderDriver, reader: string, count: number): Promise<number[]> {
  return driver.transaction(reader, async (transport) => {
    const channel = new ApduChannel(transport);
    const samples: number[] = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      const resp = await channel.send({ cla: 0, ins: INS.GET_VERSION, p1: 0, p2: 0, ne: 256 });
      samples.push(performance.now() - t0);
      if (resp.sw !== 0x9000) throw new Error(`GET VERSION answered ${resp.sw.toString(16)}`);
    }
    return samples;
  });
}

function report(label: string, samples: number[]): void {
  console.log(`${label.padEnd(44)} n=${String(samples.length).padStart(4)}  median ${fmt(median(samples)).padStart(9)}  p95 ${fmt(percentile(samples, 95)).padStart(9)}`);
}

export async function benchApduRoundTrip(): Promise<void> {
  console.log('# APDU round trip');
  const card = await startBenchCard();
  try {
    const canToggle = quickack('on');
    await roundTrips(card.driver, READER_0, 20); // warm-up
    const fast = await roundTrips(card.driver, READER_0, 500);
    report('pcscd + vpcd, quickack on', fast);
    if (canToggle) {
      quickack('off');
      const slow = await roundTrips(card.driver, READER_0, 40);
      quickack('on');
      report('pcscd + vpcd, quickack off (Debian default)', slow);
      console.log(`ratio off/on (medians): ${(median(slow) / median(fast)).toFixed(0)}x`);
    } else {
      console.log('(not root: cannot toggle quickack, so the "off" figure is not measured)');
    }
  } finally {
    await card.close();
  }
  const local = new InProcessReaderDriver();
  local.insert('Reader 1', new PivCardEngine(blankCardState()));
  await roundTrips(local, 'Reader 1', 50);
  report('in-process reader (training mode)', await roundTrips(local, 'Reader 1', 2000));
}

runIfMain(import.meta.url, benchApduRoundTrip);
