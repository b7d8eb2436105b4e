import { useEffect, useRef, useState, type RefObject } from 'react';
import type { AgentChannel, AgentRequest, UnlockView } from '../../src-shared/api/agent-api.js';
import { toAgentCallError } from '../api/agent-call-error.js';
import { useAgentClient } from '../api/agent-context.js';

// What every unlock page does with the agent: send one request at a time, keep its buttons
// disabled while the agent works, and show one problem at a time in the error summary, whether
// the page found it (a code of the wrong shape), the call failed, or the agent's state says so
// (a wrong code, with the tries left). Focus goes to the summary each time a problem appears.

export interface UnlockRequests {
  /** A request is on its way, or the agent says it is busy: every button waits. */
  readonly working: boolean;
  /** The problem to show, or null. */
  readonly problem: string | null;
  readonly summaryRef: RefObject<HTMLDivElement | null>;
  send<C extends AgentChannel>(channel: C, payload: AgentRequest<C>): void;
  /** A problem found on the page, before the agent is asked. */
  reject(message: string): void;
}

export function useUnlockRequests(view: UnlockView): UnlockRequests {
  const client = useAgentClient();
  const summaryRef = useRef<HTMLDivElement>(null);
  const [sending, setSending] = useState(false);
  const [ownProblem, setOwnProblem] = useState<string | null>(null);
  // Bumped on every failure found here, so the summary takes focus even when the words repeat.
  const [failures, setFailures] = useState(0);
  // The agent's error as the page opened: a new page keeps focus on its heading.
  const shownError = useRef(view.error);

  useEffect(() => {
    if (failures > 0) summaryRef.current?.focus();
  }, [failures]);
  useEffect(() => {
    if (view.error === shownError.current) return;
    shownError.current = view.error;
    if (view.error !== null) summaryRef.current?.focus();
  }, [view.error]);

  const working = sending || view.busy;
  return {
    working,
    problem: ownProblem ?? view.error,
    summaryRef,
    send(channel, payload) {
      if (working) return;
      setOwnProblem(null);
      setSending(true);
      client
        .invoke(channel, payload)
        .catch((failure: unknown) => {
          setOwnProblem(toAgentCallError(failure).message);
          setFailures((n) => n + 1);
        })
        .finally(() => setSending(false));
    },
    reject(message) {
      setOwnProblem(message);
      setFailures((n) => n + 1);
    },
  };
}

