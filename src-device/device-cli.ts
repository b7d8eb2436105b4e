import { parseArgs } from 'node:util';
import { registerDevice, signInWithDevice } from './device-client.js';

// `npm run device -- register <link> [--dir <folder>] [--name <device name>]` and
// `npm run device -- sign-in <link> [--dir <folder>]`: the reference device, playing the NHS CIS2
// iPad app with a link from a QR code. Its key stays in the folder (default ./.device).

const USAGE = 'Usage: npm run device -- register|sign-in <link> [--dir <folder>] [--name <device name>]';

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({ args: argv, allowPositionals: true, options: { dir: { type: 'string', default: '.device' }, name: { type: 'string', default: 'iPad' } } });
  const [command, link] = positionals;
  if (!link || (command !== 'register' && command !== 'sign-in')) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  if (command === 'register') {
    const done = await registerDevice(link, values.dir, values.name);
    process.stdout.write(`This device is registered to ${done.about}.${done.replaced ? ' The iPad registered before is no longer registered.' : ''}\n`);
  } else {
    const done = await signInWithDevice(link, values.dir);
    process.stdout.write(`Signed in to ${done.app} as ${done.as}.\n`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
