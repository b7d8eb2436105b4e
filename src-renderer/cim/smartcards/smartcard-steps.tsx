import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { AgentResult, SmartcardJobProgress } from '../../../src-shared/api/agent-api.js';
import { toAgentCallError } from '../../api/agent-call-error.js';
import { useAgentClient } from '../../api/agent-context.js';
import { WarningCallout } from '../../components/callouts.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { LiveStatus } from '../../components/live-status.js';
import { PageHeading } from '../../components/page-heading.js';
import { SummaryList } from '../../components/summary-list.js';
import { BackToProfile, type Holder } from './smartcard-frame.js';

// The steps the card pages (issue, repair, clear) share: "insert the card in your second
// reader, then Continue", which has the agent read it (smartcard.inspect); what the card is; and
// the agent's job on the card, polled (smartcard.progress) and read out as it goes.

export type Inspection = AgentResult<'smartcard.inspect'>;

/** How often the page asks how the card job is going. */
const POLL_MS = 400;

/** Insert the card, Continue: the agent reads the card in the reader other than the session's. */
export function InsertCardStep({ caption, heading, children, onInspected }: { caption: string; heading: string; children: ReactNode; onInspected: (inspection: Inspection) => void }) {
  const client = useAgentClient();
  const summaryRef = useRef<HTMLDivElement>(null);
  const [reading, setReading] = useState(false);
  const [problem, setProblem] = useState<{ text: string; at: number } | null>(null);

  useEffect(() => {
    if (problem) summaryRef.current?.focus();
  }, [problem]);

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (reading) return;
    setReading(true);
    setProblem(null);
    client
      .invoke('smartcard.inspect', {})
      .then(onInspected)
      .catch((error: unknown) => setProblem({ text: toAgentCallError(error).message, at: Date.now() }))
      .finally(() => setReading(false));
  };

  return (
    <>
      <PageHeading caption={caption}>{heading}</PageHeading>
      <ErrorSummary ref={summaryRef} errors={problem ? [{ text: problem.text }] : []} />
      {children}
      <form noValidate onSubmit={submit}>
        <div role="status" className="nhsuk-body">
          {reading ? 'Reading the smartcard…' : ''}
        </div>
        <button className="nhsuk-button" type="submit" disabled={reading}>
          Continue
        </button>
      </form>
    </>
  );
}

/** What the agent read from the card, in words. */
export function CardFacts({ inspection }: { inspection: Inspection }) {
  const { readout } = inspection;
  return (
    <SummaryList
      rows={[
        { key: 'Smartcard', value: inspection.summary },
        { key: 'Serial number', value: readout.serial === null ? 'Not known' : String(readout.serial) },
        ...(readout.chuidUuid ? [{ key: 'Smartcard UUID', value: <span className="app-code">{readout.chuidUuid}</span> }] : []),
        ...(inspection.registeredTo ? [{ key: 'Registered to', value: inspection.registeredTo.name }] : []),
      ]}
    />
  );
}

/**
 * The agent's job on the card: its stage, read out as it changes, until it ends. Then `ended`
 * says what the page shows; every loaded profile is reloaded, as the card's record changed.
 */
export function JobProgress({ jobId, heading, caption, ended }: { jobId: string; heading: string; caption: string; ended: (progress: SmartcardJobProgress) => ReactNode }) {
  const client = useAgentClient();
  const queries = useQueryClient();
  const progress = useQuery({
    queryKey: ['smartcard.progress', jobId],
    queryFn: () => client.invoke('smartcard.progress', { jobId }),
    refetchInterval: (q) => (q.state.data?.status === 'running' || q.state.data === undefined ? POLL_MS : false),
    refetchIntervalInBackground: true,
    gcTime: 0,
  });
  const status = progress.data?.status;
  useEffect(() => {
    if (status === 'done' || status === 'failed') void queries.invalidateQueries({ predicate: (q) => q.queryKey[0] !== 'smartcard.progress' });
  }, [status, queries]);

  if (progress.data && progress.data.status !== 'running') return <>{ended(progress.data)}</>;
  return (
    <>
      <PageHeading caption={caption}>{heading}</PageHeading>
      <p>Leave the smartcard in the reader until this has finished.</p>
      <LiveStatus className="nhsuk-body-l" message={progress.data?.stage ?? 'Starting…'} />
      {progress.isError && <ErrorSummary errors={[{ text: toAgentCallError(progress.error).message }]} />}
    </>
  );
}

/** A job that failed: what happened, in the agent's words, and a way to start again. */
export function JobFailed({ caption, heading, message, onRetry, children }: { caption: string; heading: string; message: string; onRetry: () => void; children?: ReactNode }) {
  const summaryRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    summaryRef.current?.focus();
  }, []);
  return (
    <>
      <PageHeading caption={caption}>{heading}</PageHeading>
      <ErrorSummary ref={summaryRef} errors={[{ text: message }]} />
      <button className="nhsuk-button" type="button" onClick={onRetry}>
        Try again
      </button>
      {children}
    </>
  );
}

/** The card in the second reader cannot be used for this task: why, then another card or back to the profile. */
export function CardRefused({ holder, onAgain, children }: { holder: Holder; onAgain: () => void; children: ReactNode }) {
  return (
    <>
      <WarningCallout heading="Important" headingLevel={2}>
        <p>{children}</p>
      </WarningCallout>
      <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={onAgain}>
        Use another smartcard
      </button>
      <BackToProfile holder={holder} />
    </>
  );
}
