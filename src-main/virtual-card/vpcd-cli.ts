import { parseArgs } from 'node:util';
import { appendFileSync } from 'node:fs';
import { PivCardEngine, type CommandRecord } from './piv-card-engine.js';
import { loadOrCreateCardState, saveCardState, CardStateFileError } from './state-file.js';
import { VpcdCard, VPCD_BASE_PORT } from './vpcd-card.js';

// `npm run vcard -- --slot <0|1> --state <file>`: a virtual PIV card in a vpcd reader slot.
// Options: --host, --apdu-log <file> (one line per command, no data), --vanish-after <n>
// (pull the card at the n+1th command, for crash-safety sweeps).

const usage = 'usage: npm run vcard -- --slot <0|1> --state <file> [--host 127.0.0.1] [--apdu-log <file>] [--vanish-after <n>]';

function main(): void {
  const { values } = parseArgs({
    options: {
      slot: { type: 'string' },
      state: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      'apdu-log': { type: 'string' },
      'vanish-after': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const slot = Number(values.slot);
  if (!values.state || !Number.isInteger(slot) || slot < 0 || slot > 15) {
    console.error(usage);
    process.exitCode = 2;
    return;
  }
  const statePath = values.state;
  let loaded;
  try {
    loaded = loadOrCreateCardState(statePath);
  } catch (err) {
    console.error(err instanceof CardStateFileError ? err.message : String(err));
    process.exitCode = 1;
    return;
  }
  const logPath = values['apdu-log'];
  const engine = new PivCardEngine(loaded.state, {
    onPersist: (state) => saveCardState(statePath, state),
    ...(logPath ? { onCommand: (r: CommandRecord) => appendFileSync(logPath, formatRecord(r)) } : {}),
  });
  const port = VPCD_BASE_PORT + slot;
  const card = new VpcdCard({ engine, port, host: values.host });
  if (values['vanish-after'] !== undefined) card.faults.vanishAfter(Number(values['vanish-after']));
  card.on('inserted', () => console.log(`card ${loaded.state.serial} inserted in vpcd slot ${slot} (${values.host}:${port})`));
  card.on('removed', (why) => console.log(`card removed (${why})`));
  card.on('vanished', () => {
    console.log('card vanished (fault injection)');
    process.exitCode = 3;
  });
  console.log(`${loaded.created ? 'new blank card' : 'card'} from ${statePath}; waiting for vpcd on ${values.host}:${port}`);
  void card.insert();
  const stop = (): void => {
    void card.remove().then(() => process.exit(process.exitCode ?? 0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function formatRecord(r: CommandRecord): string {
  const h = (n: number): string => n.toString(16).padStart(2, '0');
  return `${h(r.cla)} ${h(r.ins)} ${h(r.p1)} ${h(r.p2)} nc=${r.nc} sw=${r.sw.toString(16).padStart(4, '0')}\n`;
}

main();
