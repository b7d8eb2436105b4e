import type { AgentResult, SmartcardJobProgress } from '../../src-shared/api/agent-api.js';
import type { AsymmetricAlgorithm } from '../../src-shared/card/virtual-card-state.js';
import type { Agent } from '../../src-main/agent/agent-types.js';
import { nextState } from './agent-states.js';
import { jobEnd } from './smartcard-rig.js';

// The smartcard lifecycle pages' steps as an RA person takes them on the agent, for tests and
// benches alike: "Continue" with the card in the second reader (smartcard.inspect), then the
// operation (smartcard.issue / smartcard.clear), polled as the page polls it until it ends.
// (Not a test file: vitest only collects *.test.ts.)

/** A job on the real pcscd: an RSA-2048 key made by a card on a shared machine takes its time. */
const JOB_MS = 120_000;

type SmartcardInspection = AgentResult<'smartcard.inspect'>;

export interface JobEnd {
  /** What "Continue" showed about the card. */
  readonly inspection: SmartcardInspection;
  /** The job's last progress: done or failed. */
  readonly progress: SmartcardJobProgress;
}

/** The agent has a card in `reader` (read, or found unreadable as a blank card is). */
export function cardSeenIn(agent: Agent, reader: string, ms?: number): Promise<unknown> {
  return nextState(agent, (s) => s.readers.some((r) => r.name === reader && r.card !== null), `a card in ${reader}`, ms);
}

export interface IssueSteps {
  readonly userUuid: string;
  readonly algorithm: AsymmetricAlgorithm;
  /** The new holder's passcode, typed twice. */
  readonly passcode: string;
}

/** "Continue" -> the check -> passcode and confirmation -> "Issue smartcard" -> its progress until it ends. */
export async function issueThroughAgent(agent: Agent, steps: IssueSteps): Promise<JobEnd> {
  const inspection = (await agent.handle('smartcard.inspect', {})) as SmartcardInspection;
  const { jobId } = (await agent.handle('smartcard.issue', { userUuid: steps.userUuid, algorithm: steps.algorithm, passcode: steps.passcode, confirm: steps.passcode })) as { jobId: string };
  return { inspection, progress: await jobEnd(agent, jobId, JOB_MS) };
}

/** "Continue" -> the check -> "Clear smartcard" -> its progress until it ends. */
export async function clearThroughAgent(agent: Agent, cardUuid: string): Promise<JobEnd> {
  const inspection = (await agent.handle('smartcard.inspect', {})) as SmartcardInspection;
  const { jobId } = (await agent.handle('smartcard.clear', { cardUuid })) as { jobId: string };
  return { inspection, progress: await jobEnd(agent, jobId, JOB_MS) };
}
