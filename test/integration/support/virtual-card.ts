import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VirtualCardState } from '../../../src-shared/card/virtual-card-state.js';
import { PivCardEngine, type CommandRecord } from '../../../src-main/virtual-card/piv-card-engine.js';
import { loadOrCreateCardState, saveCardState } from '../../../src-main/virtual-card/state-file.js';
import { VpcdCard, VPCD_BASE_PORT } from '../../../src-main/virtual-card/vpcd-card.js';

// A virtual card in one of the two vpcd readers, run inside the test process: pcscd, vpcd and
// the PC/SC client are all real; only the card is ours. Third-party tools must be run with an
// asynchronous spawn so this process keeps answering APDUs meanwhile.

export const READER = ['Virtual PCD 00 00', 'Virtual PCD 00 01'] as const;

export interface TestCard {
  readonly engine: PivCardEngine;
  readonly vpcd: VpcdCard;
  readonly statePath: string;
  /** Every command the card processed, in order (the card's own log). */
  readonly log: CommandRecord[];
  insert(): Promise<void>;
  remove(): Promise<void>;
}

export function tempDir(prefix = 'vcard-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function makeTestCard(slot: 0 | 1, options: { state?: VirtualCardState; statePath?: string } = {}): TestCard {
  const statePath = options.statePath ?? join(tempDir(), 'card.json');
  if (options.state) saveCardState(statePath, options.state);
  const { state } = loadOrCreateCardState(statePath);
  const log: CommandRecord[] = [];
  const engine = new PivCardEngine(state, {
    onPersist: (s) => saveCardState(statePath, s),
    onCommand: (r) => log.push(r),
  });
  const vpcd = new VpcdCard({ engine, port: VPCD_BASE_PORT + slot });
  return {
    engine,
    vpcd,
    statePath,
    log,
    insert: () => vpcd.insert(),
    remove: () => vpcd.remove(),
  };
}
