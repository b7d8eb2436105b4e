import type { AgentRequest, AgentResult } from '../../src-shared/api/agent-api.js';
import type { AgentRuntime } from './agent-runtime.js';
import { AgentFailure } from './agent-types.js';

// The smartcard lifecycle pages' card operations (issue, repair, clear), run by the agent on the
// card in the reader other than the session's, each as a job the page polls for its progress.

export class SmartcardJobs {
  constructor(private readonly rt: AgentRuntime) {}

  inspect(): Promise<AgentResult<'smartcard.inspect'>> {
    return this.notYet();
  }

  issue(_r: AgentRequest<'smartcard.issue'>): Promise<AgentResult<'smartcard.issue'>> {
    return this.notYet();
  }

  repair(_r: AgentRequest<'smartcard.repair'>): Promise<AgentResult<'smartcard.repair'>> {
    return this.notYet();
  }

  clear(_r: AgentRequest<'smartcard.clear'>): Promise<AgentResult<'smartcard.clear'>> {
    return this.notYet();
  }

  progress(_jobId: string): AgentResult<'smartcard.progress'> {
    throw new AgentFailure('not-now', 'There is no such smartcard operation.');
  }

  private async notYet(): Promise<never> {
    void this.rt;
    throw new AgentFailure('not-now', 'Smartcard operations are not available here.');
  }
}
