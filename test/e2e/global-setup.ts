import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// The browser shell serves dist/renderer, so build it once, fresh, before any spec runs.
export default function globalSetup(): void {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  execFileSync('npm', ['run', '--silent', 'build:renderer'], { cwd: root, stdio: 'inherit' });
}
