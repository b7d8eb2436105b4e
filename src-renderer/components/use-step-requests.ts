import { useEffect, useRef, useState, type RefObject } from 'react';
import type { AgentChannel, AgentRequest } from '../../src-shared/api/agent-api.js';
import { toAgentCallError, type AgentCallErrorCode } from '../api/agent-call-error.js';
import { useAgentClient } from '../api/agent-context.js';

// What every page of a step-by-step flow (unlocking, renewing) does with the agent: send one request at a time, keep its buttons
// disabled while the agent works, and show one problem at a time in the error summary, whether
// the page found it (a code of the wrong shape), the call failed, or the agent's state says so
// (a wrong code, with the tries left). Focus goes to the summary each time a problem appears.
//
// Only a problem the user fixes by typing again belongs to a field (shown against it, and linked
// from the summary): the page's own checks, and a failed call whose code the page names as its
// field's. Everything else (the service unreachable, the card taken out, too many codes sent) is
// said in the summary alone, since no field can fix it. The agent's state carries only words,
// no code, so its error is a field's only when it repeats the call that has just failed so.

/** A problem found here or by a failed call, and whether a field on the page can fix it. */
interface Failure {
  readonly message: string;
  readonly onField: boolean;
}

/** What a flow's view says about the agent's side: at work, and the last request's problem. */
export interface StepView {
  readonly busy: boolean;
  readonly error: string | null;
}

export interface StepRequests {
  /** A request is on its way, or the agent says it is busy: every button waits. */
  readonly working: boolean;
  /** The problem to show in the error summary, or null. */
  readonly problem: string | null;
  /** The same problem when it is the page's field's to fix; null when no field can fix it. */
  readonly fieldProblem: string | null;
  readonly summaryRef: RefObject<HTMLDivElement | null>;
  /** `fieldCodes`: the error codes that mean the user typed something the field must take again. */
  send<C extends AgentChannel>(channel: C, payload: AgentRequest<C>, fieldCodes?: readonly AgentCallErrorCode[]): void;
  /** A problem found on the page, before the agent is asked: always the field's. */
  reject(message: string): void;
}

export function useStepRequests(view: StepView): StepRequests {
  const client = useAgentClient();
  const summaryRef = useRef<HTMLDivElement>(null);
  const [sending, setSending] = useState(false);
  // Shown until the next request goes; it outranks the agent's error, which says the same or less.
  const [ownProblem, setOwnProblem] = useState<Failure | null>(null);
  // The latest request's failure, kept while the next one is on its way: the agent's state may
  // still repeat it until it says it is busy, and meanwhile it stays on its field.
  const [lastFailure, setLastFailure] = useState<Failure | null>(null);
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

  const fail = (failure: Failure): void => {
    setOwnProblem(failure);
    setLastFailure(failure);
    setFailures((n) => n + 1);
  };

  const working = sending || view.busy;
  const problem = ownProblem?.message ?? view.error;
  const onField = ownProblem ? ownProblem.onField : view.error !== null && lastFailure?.onField === true && lastFailure.message === view.error;
  return {
    working,
    problem,
    fieldProblem: onField ? problem : null,
    summaryRef,
    send(channel, payload, fieldCodes = []) {
      if (working) return;
      setOwnProblem(null);
      setSending(true);
      client
        .invoke(channel, payload)
        .then(
          () => setLastFailure(null),
          (failure: unknown) => {
            const error = toAgentCallError(failure);
            fail({ message: error.message, onField: fieldCodes.includes(error.code) });
          },
        )
        .finally(() => setSending(false));
    },
    reject(message) {
      fail({ message, onField: true });
    },
  };
}
