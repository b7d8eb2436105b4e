import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { TEST_KEY } from './service-fixtures.js';
import { DPOP_HEADER, DPOP_SCHEME } from '../../src-shared/api/service-login.js';

// A standalone identity service in a process of its own, as an organisation runs it: the
// command line, settings from CIS_* variables, and its URL read from what it prints when ready.
// Several of these on one database are what "several instances" means.

export interface ServiceProcess {
  readonly url: string;
  readonly process: ChildProcess;
  stop(): Promise<void>;
}

const READY = /^identity service ready: (http:\/\/\S+)/;

/** `nodeArgs`: options for Node itself, such as a CPU profile. */
export async function startServiceProcess(env: Record<string, string>, nodeArgs: readonly string[] = []): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'src-service/cli.ts', 'serve'], {
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

export interface InstanceReply {
  readonly status: number;
  // Tests read answer fields freely; the contracts type them in the service.
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/**
 * One call to one instance of a service whose agents know it as `origin`: with `token` (or to
 * open a session) it carries a DPoP proof from TEST_KEY naming the origin, whichever instance
 * answers, as the agent's proofs do behind a load balancer.
 */
export async function callInstance(to: ServiceProcess, origin: string, method: string, path: string, json?: unknown, token?: string): Promise<InstanceReply> {
  const proved = token !== undefined || path === '/v1/login/session';
  const proof = proved ? await TEST_KEY.proof({ method, url: `${origin}${path}`, now: new Date(), ...(token !== undefined ? { token } : {}) }) : undefined;
  const res = await fetch(`${to.url}${path}`, {
    method,
    headers: {
      ...(json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(token !== undefined ? { authorization: `${DPOP_SCHEME} ${token}` } : {}),
      ...(proof !== undefined ? { [DPOP_HEADER]: proof } : {}),
    },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
