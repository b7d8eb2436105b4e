import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { SmartcardJobProgress } from '../../../src-shared/api/agent-api.js';
import { toAgentCallError } from '../../api/agent-call-error.js';
import { ErrorSummary, type ErrorItem } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { BackToProfile, type Holder, type ProfileCard } from './smartcard-frame.js';
import { CardFacts, CardRefused, InsertCardStep, JobFailed, JobProgress, type Inspection } from './smartcard-steps.js';

// Repair and clear: the holder's card in the second reader, Continue (the agent reads it), a
// check of what it is with the page's own button, then the agent's job and its outcome.

type Step = { step: 'insert' } | { step: 'check'; inspection: Inspection } | { step: 'working'; jobId: string };

interface CardJobWords {
  readonly title: string;
  readonly working: string;
}

export interface CardJobFlowProps {
  readonly holder: Holder;
  readonly card: ProfileCard;
  readonly words: CardJobWords;
  /** The check step: what the card is, and the form whose submission starts the job (`start` gives the job's id). */
  readonly check: (inspection: Inspection, start: (jobId: string) => void, again: () => void) => ReactNode;
  readonly done: (progress: SmartcardJobProgress) => ReactNode;
}

export function CardJobFlow({ holder, card, words, check, done }: CardJobFlowProps) {
  const [step, setStep] = useState<Step>({ step: 'insert' });
  const restart = (): void => setStep({ step: 'insert' });
  switch (step.step) {
    case 'insert':
      return (
        <InsertCardStep key="insert" caption={holder.name} heading={words.title} onInspected={(inspection) => setStep({ step: 'check', inspection })}>
          <p>
            Insert the smartcard of {holder.name} (serial number {card.serial}) into your second smartcard reader, then select Continue. Keep your own smartcard in
            your first reader.
          </p>
        </InsertCardStep>
      );
    case 'check':
      return <>{check(step.inspection, (jobId) => setStep({ step: 'working', jobId }), restart)}</>;
    case 'working':
      return (
        <JobProgress
          key={step.jobId}
          jobId={step.jobId}
          caption={holder.name}
          heading={words.working}
          ended={(progress) =>
            progress.status === 'done' ? (
              done(progress)
            ) : (
              <JobFailed caption={holder.name} heading={words.title} message={progress.message ?? 'The smartcard operation did not finish.'} onRetry={restart}>
                <BackToProfile holder={holder} />
              </JobFailed>
            )
          }
        />
      );
  }
}

/** Whether the card in the reader is the one the page is about, as far as the readout can say. */
function isTheCard(inspection: Inspection, card: ProfileCard): boolean {
  return inspection.readout.chuidUuid === card.uuid || (inspection.readout.serial !== null && inspection.readout.serial === card.serial);
}

export interface StartJobFormProps {
  readonly holder: Holder;
  readonly card: ProfileCard;
  readonly inspection: Inspection;
  readonly title: string;
  readonly heading: string;
  readonly button: string;
  readonly warning?: boolean;
  /** Words and fields between the card's facts and the button. */
  readonly children?: ReactNode;
  /** A problem with the form's own fields ({ text, href }), checked before the agent is asked. */
  readonly validate?: () => ErrorItem | null;
  readonly start: () => Promise<{ jobId: string }>;
  readonly onStarted: (jobId: string) => void;
  readonly again: () => void;
}

/** The check step of repair and clear: what the card is, the form, and the agent asked to start. */
export function StartJobForm(props: StartJobFormProps) {
  const { holder, card, inspection, title, heading, button, warning, children, validate, start, onStarted, again } = props;
  const summaryRef = useRef<HTMLDivElement>(null);
  const [problem, setProblem] = useState<ErrorItem | null>(null);
  const [sending, setSending] = useState(false);
  const [failures, setFailures] = useState(0);
  useEffect(() => {
    if (failures > 0) summaryRef.current?.focus();
  }, [failures]);
  const fail = (item: ErrorItem): void => {
    setProblem(item);
    setFailures((n) => n + 1);
  };
  const ours = isTheCard(inspection, card);

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (sending) return;
    const invalid = validate?.() ?? null;
    if (invalid) return fail(invalid);
    setProblem(null);
    setSending(true);
    start()
      .then(({ jobId }) => onStarted(jobId))
      .catch((error: unknown) => fail({ text: toAgentCallError(error).message }))
      .finally(() => setSending(false));
  };

  return (
    <>
      <PageHeading caption={title}>{heading}</PageHeading>
      <ErrorSummary ref={summaryRef} errors={problem ? [problem] : []} />
      <h2 className="nhsuk-heading-m">The smartcard in your second reader</h2>
      <CardFacts inspection={inspection} />
      {ours ? (
        <form noValidate onSubmit={submit}>
          {children}
          <div role="status" className="nhsuk-body">
            {sending ? 'Starting…' : ''}
          </div>
          <div className="nhsuk-button-group">
            <button className={`nhsuk-button${warning ? ' nhsuk-button--warning' : ''}`} type="submit" disabled={sending}>
              {button}
            </button>
            <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={again} disabled={sending}>
              Use another smartcard
            </button>
          </div>
        </form>
      ) : (
        <CardRefused holder={holder} onAgain={again}>
          This is not the smartcard of {holder.name} with serial number {card.serial}. Insert that smartcard into your second reader and try again.
        </CardRefused>
      )}
    </>
  );
}
