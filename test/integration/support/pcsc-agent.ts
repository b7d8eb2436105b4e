import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { AgentState } from '../../../src-shared/api/agent-api.js';
import type { VirtualCardState } from '../../../src-shared/card/virtual-card-state.js';
import { createAgent } from '../../../src-main/agent/create-agent.js';
import type { Agent } from '../../../src-main/agent/agent-types.js';
import { PcscReaderDriver } from '../../../src-main/pcsc/pcsc-reader-driver.js';
import { cardReadIn, nextState, signInFromPrompt } from '../../support/agent-states.js';
import { waitFor } from './pcsc.js';
import { makeTestCard, READER, type TestCard } from './virtual-card.js';

// An agent on the machine's pcscd and its two vpcd readers, for the "Service smartcard" tests:
// the sponsor's card in slot 0 ("Virtual PCD 00 00"), the card they serve in slot 1. Every
// state the agent shows must match its contract. Closing it takes every card out and waits
// until pcscd has seen each go, so the next test (or file) starts with empty readers.

/** pcscd polls for cards: agent states take longer to come than with in-process readers. */
const STATE_MS = 15_000;

export interface PcscAgent {
  readonly driver: PcscReaderDriver;
  readonly agent: Agent;
  /** A card served from `state` in vpcd `slot` (not yet inserted), taken out on close. */
  card(slot: 0 | 1, state: VirtualCardState): TestCard;
  close(): Promise<void>;
}

/** `name` tells this agent's workstation id and data folder from other files'. */
export function startPcscAgent(serviceUrl: string, name: string): PcscAgent {
  const driver = new PcscReaderDriver({ reconnectMs: 200 });
  const dataDir = mkdtempSync(join(tmpdir(), `agent-${name}-pcsc-`));
  const agent = createAgent({ readers: driver, serviceUrl, workstationId: `ws-pcsc-${name}`, removalMode: 'normal', dataDir });
  agent.onState((s) => expect(AgentState.safeParse(s).success).toBe(true));
  driver.start();
  const cards: { card: TestCard; reader: string }[] = [];
  return {
    driver,
    agent,
    card: (slot, state) => {
      const card = makeTestCard(slot, { state });
      cards.push({ card, reader: READER[slot] });
      return card;
    },
    close: async () => {
      for (const { card, reader } of cards) {
        const present = driver.readers().some((r) => r.name === reader && r.cardPresent);
        const gone = present ? waitFor(driver, 'card-removed', reader) : Promise.resolve();
        await card.remove();
        await gone;
      }
      await agent.close();
      await driver.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The sponsor's card (from `state`) goes into the first reader, and they sign in with it. */
export async function sponsorSignedIn(p: PcscAgent, state: VirtualCardState, passcode = '123456'): Promise<TestCard> {
  const sponsor = p.card(0, state);
  await sponsor.insert();
  await signInFromPrompt(p.agent, 'sponsor', passcode, STATE_MS);
  return sponsor;
}

/** `card` goes into the second reader and the agent reads it (`what`, for a timeout). */
export async function readInSecondReader(p: PcscAgent, card: TestCard, cardUuid: string, what: string): Promise<void> {
  await card.insert();
  await nextState(p.agent, cardReadIn(READER[1], cardUuid), what, STATE_MS);
}
