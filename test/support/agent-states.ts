import type { AgentState } from '../../src-shared/api/agent-api.js';
import type { Agent } from '../../src-main/agent/agent-types.js';

// Waiting on the agent's state, for tests and benches alike: the agent says what it is doing
// only through the states it emits, so each step of a scenario waits for the state that shows
// the step done. (Not a test file: vitest only collects *.test.ts.)

type StateSource = Pick<Agent, 'state' | 'onState'>;

/** The first state (the current one included) that `match`es; fails after `ms` naming `what`. */
export function nextState(agent: StateSource, match: (s: AgentState) => boolean, what: string, ms = 8000): Promise<AgentState> {
  return new Promise((resolve, reject) => {
    if (match(agent.state())) return resolve(agent.state());
    const timer = setTimeout(() => {
      off();
      reject(new Error(`timed out waiting for ${what}; screen is ${JSON.stringify(agent.state().screen)}`));
    }, ms);
    const off = agent.onState((s) => {
      if (!match(s)) return;
      clearTimeout(timer);
      off();
      resolve(s);
    });
  });
}

export const screenIs = (kind: AgentState['screen']['kind']) => (s: AgentState): boolean => s.screen.kind === kind;

/** The card `cardUuid` has been read in `reader`. */
export const cardReadIn = (reader: string, cardUuid: string) => (s: AgentState): boolean => s.readers.some((r) => r.name === reader && r.card?.cardUuid === cardUuid);

/**
 * From the passcode prompt of a card just inserted to signed in: `passcode`, then the first
 * position offered, not remembered.
 */
export async function signInFromPrompt(agent: Agent, who: string, passcode = '123456', ms?: number): Promise<void> {
  await nextState(agent, screenIs('passcode'), `the ${who} passcode prompt`, ms);
  await agent.handle('agent.submitPasscode', { passcode });
  const choose = await nextState(agent, screenIs('choose-position'), `the ${who} positions`, ms);
  const positionId = choose.screen.kind === 'choose-position' ? choose.screen.positions[0]?.positionId : undefined;
  await agent.handle('agent.choosePosition', { positionId, remember: false });
  await nextState(agent, screenIs('signed-in'), `the ${who} signed in`, ms);
}
