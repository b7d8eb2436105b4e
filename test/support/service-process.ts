import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

// A standalone identity service in a process of its own, as an organisation runs it: the
// command line, settings from CIS_* variables, and its URL read from what it prints when ready.
// Several of these on one database are what "several instances" means.

export interface ServiceProcess {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

const READY = /^identity service ready: (http:\/\/\S+)/;

export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src-service/cli.ts', 'serve'], {
    env: { ...process.env, CIS_HOST: '127.0.0.1', CIS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    const timer = setTimeout(() => reject(new Error(`the service did not start within 30 s: ${errors}`)), 30_000);
    lines.on('line', (line) => {
      const ready = READY.exec(line);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1] as string);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the service stopped while starting (exit ${code}): ${errors}`));
    });
  });
  return {
    url,
    process: child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    },
  };
}
