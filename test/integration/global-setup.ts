import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

// Integration tests talk to the machine's real pcscd and its two vpcd readers. CI starts pcscd;
// on a developer machine this starts it when we are root, or says exactly what to do.

function pcscdRunning(): boolean {
  try {
    execFileSync('pgrep', ['-x', 'pcscd'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export default async function setup(): Promise<void> {
  if (!existsSync('/etc/reader.conf.d/vpcd')) {
    throw new Error('vpcd is not installed: apt-get install pcscd vsmartcard-vpcd (see README, "Virtual cards").');
  }
  if (!pcscdRunning()) {
    if (process.getuid?.() !== 0) throw new Error('pcscd is not running: start it with `sudo pcscd` (see README).');
    spawn('pcscd', ['-f'], { detached: true, stdio: 'ignore' }).unref();
    for (let i = 0; i < 50 && !pcscdRunning(); i++) await new Promise((r) => setTimeout(r, 100));
  }
  if (process.getuid?.() === 0) {
    // Without quick ACKs every vpcd exchange stalls ~40 ms (see native/linux/vpcd-quickack.sh).
    execFileSync('bash', ['native/linux/vpcd-quickack.sh', 'on'], { stdio: 'ignore' });
  }
}
