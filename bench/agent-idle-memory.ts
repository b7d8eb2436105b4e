import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runIfMain } from './support/run-main.js';
import { median } from './support/stats.js';

// The Identity Agent's idle memory in training mode (browser shell, embedded service, two
// in-process readers): `npm run bench:idle-memory` [--runs 3] [--settle 10]. Each run starts the
// agent, waits for "agent ready" and then --settle seconds, and reads VmRSS from /proc for the
// agent's process and for everything it started (tsx runs the program in a child process).
// Two ways to run it: from TypeScript through tsx (`npm run training`, development) and from the
// compiled bundle (`npm run build`, then `node dist/browser/browser-main.js --training`).
// Linux only (/proc).

const ROOT = new URL('..', import.meta.url).pathname;

interface Variant {
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
}

const VARIANTS: readonly Variant[] = [
  { label: 'tsx (npm run training)', command: join(ROOT, 'node_modules/.bin/tsx'), args: ['src-main/shell/browser/browser-main.ts', '--training'] },
  { label: 'compiled (node dist/browser/browser-main.js)', command: process.execPath, args: ['dist/browser/browser-main.js', '--training'] },
];

/** VmRSS of one process in kB, or 0 once it is gone. */
function rssKb(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** The process and all its descendants, from each thread's children list. */
function processTree(pid: number): number[] {
  const found = [pid];
  for (let i = 0; i < found.length; i++) {
    const at = found[i] as number;
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${at}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      try {
        for (const child of readFileSync(`/proc/${at}/task/${task}/children`, 'utf8').trim().split(/\s+/)) if (child) found.push(Number(child));
      } catch {
        // The thread ended while being read.
      }
    }
  }
  return found;
}

function waitForReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no "agent ready" within ${timeoutMs} ms`)), timeoutMs);
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('agent ready:')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the agent exited (${code}) before it was ready`));
    });
  });
}

interface Sample {
  /** The largest single process: the agent itself. */
  readonly agentMb: number;
  /** Every process the command started (the tsx wrapper included). */
  readonly totalMb: number;
}

async function sampleOnce(variant: Variant, settleMs: number): Promise<Sample> {
  const child = spawn(variant.command, [...variant.args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    await waitForReady(child, 60_000);
    await new Promise((r) => setTimeout(r, settleMs));
    const rss = processTree(child.pid as number).map(rssKb);
    return { agentMb: Math.max(...rss) / 1024, totalMb: rss.reduce((a, b) => a + b, 0) / 1024 };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
}

export async function benchAgentIdleMemory(argv: string[] = process.argv.slice(2)): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { runs: { type: 'string', default: '3' }, settle: { type: 'string', default: '10' } } });
  const runs = Number(values.runs);
  const settleMs = Number(values.settle) * 1000;
  if (!existsSync(join(ROOT, 'dist/browser/browser-main.js')) || !existsSync(join(ROOT, 'dist/renderer/index.html'))) {
    throw new Error('Run `npm run build` first: the compiled agent and the renderer are measured.');
  }
  console.log(`Identity Agent idle RSS, training mode, ${values.settle} s after "agent ready", median of ${runs} runs (target <= 120 MB)`);
  for (const variant of VARIANTS) {
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) samples.push(await sampleOnce(variant, settleMs));
    const agent = median(samples.map((s) => s.agentMb));
    const total = median(samples.map((s) => s.totalMb));
    console.log(`  ${variant.label.padEnd(46)} agent ${agent.toFixed(1)} MB   all processes ${total.toFixed(1)} MB`);
  }
}

runIfMain(import.meta.url, benchAgentIdleMemory);
