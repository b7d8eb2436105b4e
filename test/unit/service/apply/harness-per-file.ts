import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startHarness, type Harness, type Orgs } from '../cim/cim-harness.js';

// The setup most Apply for Care ID test files share: one service for the file, and a fresh
// organisation tree (and, when asked, the clock back at NOW) before each test. The two are handed
// out as stand-ins that read whatever is current, so a file's helpers can name `h` and `orgs` at
// the top level before the service has started. (Not a test file: vitest only collects *.test.ts.)

/** A stand-in for the object `current()` returns when a property is read. */
function standIn<T extends object>(what: string, current: () => T | undefined): T {
  return new Proxy({} as T, {
    get: (_target, key) => {
      const value = current();
      if (value === undefined) throw new Error(`${what} is read before the test has started`);
      return Reflect.get(value, key);
    },
  });
}

export function harnessPerFile(options: { readonly resetClock?: boolean } = {}): { readonly h: Harness; readonly orgs: Orgs } {
  let harness: Harness | undefined;
  let tree: Orgs | undefined;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness?.close();
  });
  beforeEach(async () => {
    if (!harness) throw new Error('the service did not start');
    if (options.resetClock) harness.resetClock();
    tree = await harness.tree();
  });
  return { h: standIn('the harness', () => harness), orgs: standIn('the organisation tree', () => tree) };
}
