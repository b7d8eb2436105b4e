import { useEffect, useRef, useState } from 'react';
import type { Screen } from '../../src-shared/api/agent-api.js';
import { toAgentCallError } from '../api/agent-call-error.js';
import { useAgentClient } from '../api/agent-context.js';
import { ErrorSummary } from '../components/error-summary.js';
import { PageHeading } from '../components/page-heading.js';

type LockedCardState = Extract<Screen, { kind: 'locked-card' }>;

// Where the national Identity Agent offers self-service unlocking: a locked card in the reader.
// The agent moves to the unlock pages; a sponsor can still unlock it from their own session.

export function LockedCardScreen({ screen }: { screen: LockedCardState }) {
  const client = useAgentClient();
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (problem) summaryRef.current?.focus();
  }, [problem]);

  const begin = (): void => {
    if (sending) return;
    setProblem(null);
    setSending(true);
    client
      .invoke('unlock.begin', {})
      .catch((failure: unknown) => setProblem(toAgentCallError(failure).message))
      .finally(() => setSending(false));
  };

  return (
    <>
      <PageHeading caption={screen.holderName}>Your smartcard is locked</PageHeading>
      <ErrorSummary ref={summaryRef} errors={problem ? [{ text: problem }] : []} />
      <p>This smartcard was locked because the wrong passcode was entered too many times. You cannot log in with it until it is unlocked.</p>
      <p>You can unlock it yourself with a security code sent to your email address or mobile phone, and choose a new passcode.</p>
      <button className="nhsuk-button" type="button" disabled={sending} onClick={begin}>
        Unlock your smartcard
      </button>
      <p>If you cannot unlock it yourself, ask your sponsor or local smartcard administrator. They log in with their own smartcard and put yours in a second reader.</p>
      <p>Remove your smartcard from {screen.reader} when you are done.</p>
    </>
  );
}
