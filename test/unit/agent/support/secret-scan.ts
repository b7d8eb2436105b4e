import { vi } from 'vitest';
import type { AgentRig } from './agent-rig.js';

// What the secret tests search, and where: every form a secret might be given away in, and
// everything the renderer or a log could have received. (Not a test file: vitest only collects
// *.test.ts.)

/** A value and the encodings a careless program might give it away in. */
export function secretForms(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const out = [secret, bytes.toString('base64'), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url'), bytes.toString('hex')];
  // A base64url token's raw bytes, in the other alphabets.
  if (/^[A-Za-z0-9_-]{40,}$/.test(secret)) {
    const raw = Buffer.from(secret, 'base64url');
    out.push(raw.toString('base64'), raw.toString('hex'));
  }
  return out;
}

/** Everything the agent gave the renderer: each state it emitted and each handle() outcome. */
export function rendererSaw(a: AgentRig): string[] {
  return [...a.states.map((s) => JSON.stringify(s)), ...a.outcomes.map((o) => JSON.stringify(o))];
}

/** Every console line written until `restore()`, kept instead of printed. */
export function captureConsole(): { logged: string[]; restore(): void } {
  const logged: string[] = [];
  const spies = (['log', 'info', 'warn', 'error', 'debug', 'trace'] as const).map((m) =>
    vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' '))),
  );
  return { logged, restore: () => spies.forEach((spy) => spy.mockRestore()) };
}
