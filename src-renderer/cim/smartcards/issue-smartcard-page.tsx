import { useRef, useState, type FormEvent, type RefObject } from 'react';
import type { CardAlgorithm } from '../../../src-shared/api/service-common.js';
import { newPasscodeProblems } from '../../../src-shared/domain/passcode-change.js';
import { toAgentCallError } from '../../api/agent-call-error.js';
import { useAgentClient } from '../../api/agent-context.js';
import { ErrorSummary, type ErrorItem } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { SecretField, takeSecrets } from '../../components/secret-field.js';
import { SuccessBanner } from '../users/user-form-fields.js';
import { BackToProfile, SmartcardFrame, type Holder } from './smartcard-frame.js';
import { CardFacts, CardRefused, InsertCardStep, JobFailed, JobProgress, type Inspection } from './smartcard-steps.js';

// "Issue a smartcard": the RA puts a blank card in their second reader, the agent reads it, the
// new holder types the passcode they choose (twice), and the agent issues the card: a key made
// on the card, its certificate, the service's PUK and management key, the passcode. The
// passcode fields are uncontrolled and cleared as the form is sent: the value goes to the agent
// once and never enters React state.

const TITLE = 'Issue a smartcard';
/** The key the card makes for its authentication certificate. */
const ISSUE_ALGORITHM: CardAlgorithm = 'rsa2048';

type Field = 'passcode' | 'confirm';
const FIELDS: Readonly<Record<Field, { id: string; label: string }>> = {
  passcode: { id: 'issue-passcode', label: 'Passcode' },
  confirm: { id: 'issue-passcode-confirm', label: 'Confirm passcode' },
};
const ORDER: readonly Field[] = ['passcode', 'confirm'];
const HINT_ID = 'issue-passcode-hint';

type Step = { step: 'insert' } | { step: 'passcode'; inspection: Inspection } | { step: 'working'; jobId: string };

export function IssueSmartcardPage({ uuid }: { uuid: string }) {
  return <SmartcardFrame uuid={uuid} heading={TITLE}>{(holder) => <IssueFlow holder={holder} />}</SmartcardFrame>;
}

function IssueFlow({ holder }: { holder: Holder }) {
  const [step, setStep] = useState<Step>({ step: 'insert' });
  const restart = (): void => setStep({ step: 'insert' });
  switch (step.step) {
    case 'insert':
      return (
        <InsertCardStep key="insert" caption={holder.name} heading={TITLE} onInspected={(inspection) => setStep({ step: 'passcode', inspection })}>
          <p>You are issuing a new smartcard to {holder.name}.</p>
          <p>Insert a blank smartcard into your second smartcard reader, then select Continue. Keep your own smartcard in your first reader.</p>
        </InsertCardStep>
      );
    case 'passcode':
      return <PasscodeStep holder={holder} inspection={step.inspection} onStarted={(jobId) => setStep({ step: 'working', jobId })} onBack={restart} />;
    case 'working':
      return (
        <JobProgress
          key={step.jobId}
          jobId={step.jobId}
          caption={holder.name}
          heading="Issuing the smartcard"
          ended={(progress) =>
            progress.status === 'done' ? (
              <>
                <SuccessBanner id="smartcard-issued">
                  <PageHeading className="nhsuk-notification-banner__heading">Smartcard issued successfully</PageHeading>
                  <p className="nhsuk-body">
                    {holder.name} can now log in with this smartcard and the passcode they chose. Give them the smartcard.
                  </p>
                </SuccessBanner>
                <BackToProfile holder={holder} />
              </>
            ) : (
              <JobFailed caption={holder.name} heading={TITLE} message={progress.message ?? 'The smartcard was not issued.'} onRetry={restart}>
                <BackToProfile holder={holder} />
              </JobFailed>
            )
          }
        />
      );
  }
}

function PasscodeStep({ holder, inspection, onStarted, onBack }: { holder: Holder; inspection: Inspection; onStarted: (jobId: string) => void; onBack: () => void }) {
  const client = useAgentClient();
  const refs: Record<Field, RefObject<HTMLInputElement | null>> = { passcode: useRef<HTMLInputElement>(null), confirm: useRef<HTMLInputElement>(null) };
  const summaryRef = useRef<HTMLDivElement>(null);
  const [fieldErrors, setFieldErrors] = useState<readonly { field: Field; message: string }[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const registered = inspection.registeredTo;

  const failed = (fields: readonly { field: Field; message: string }[], other: string | null): void => {
    setFieldErrors(fields);
    setProblem(other);
    // After React has drawn the summary.
    setTimeout(() => summaryRef.current?.focus(), 0);
  };

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (sending) return;
    const values = takeSecrets(refs);
    const problems = newPasscodeProblems(values.passcode, values.confirm).map((p) => ({ field: p.field === 'confirm' ? ('confirm' as const) : ('passcode' as const), message: p.message }));
    if (problems.length > 0) return failed([...problems].sort((a, b) => ORDER.indexOf(a.field) - ORDER.indexOf(b.field)), null);
    setSending(true);
    client
      .invoke('smartcard.issue', { userUuid: holder.profile.uuid, algorithm: ISSUE_ALGORITHM, passcode: values.passcode, confirm: values.confirm })
      .then(({ jobId }) => onStarted(jobId))
      .catch((error: unknown) => {
        const e = toAgentCallError(error);
        if (e.code === 'passcode-policy') failed([{ field: 'passcode', message: e.message }], null);
        else failed([], e.message);
      })
      .finally(() => setSending(false));
  };

  const summary: readonly ErrorItem[] = fieldErrors.length > 0 ? fieldErrors.map((e) => ({ text: e.message, href: `#${FIELDS[e.field].id}` })) : problem ? [{ text: problem }] : [];
  const errorOf = (field: Field): string | undefined => fieldErrors.find((e) => e.field === field)?.message;

  return (
    <>
      <PageHeading caption={TITLE}>{registered ? 'This smartcard is already registered' : `Ask ${holder.name} to choose a passcode`}</PageHeading>
      <ErrorSummary ref={summaryRef} errors={summary} />
      <h2 className="nhsuk-heading-m">The smartcard in your second reader</h2>
      <CardFacts inspection={inspection} />
      {registered ? (
        <CardRefused holder={holder} onAgain={onBack}>
          This smartcard is registered to {registered.name}. Clear it before issuing it again, or use a blank smartcard.
        </CardRefused>
      ) : (
        <form noValidate onSubmit={submit}>
          <h2 className="nhsuk-heading-m">Passcode</h2>
          <p>{holder.name} types a passcode for their new smartcard, then types it again to confirm it. They will use it to log in. Do not look at it.</p>
          <div className="nhsuk-hint" id={HINT_ID}>
            The passcode must be 6 to 8 numbers.
          </div>
          {ORDER.map((field) => (
            <SecretField key={field} {...FIELDS[field]} ref={refs[field]} describedBy={[HINT_ID]} error={errorOf(field)} autoComplete="new-password" maxLength={64} />
          ))}
          <div role="status" className="nhsuk-body">
            {sending ? 'Starting…' : ''}
          </div>
          <div className="nhsuk-button-group">
            <button className="nhsuk-button" type="submit" disabled={sending}>
              Issue smartcard
            </button>
            <button className="nhsuk-button nhsuk-button--secondary" type="button" onClick={onBack} disabled={sending}>
              Use another smartcard
            </button>
          </div>
        </form>
      )}
    </>
  );
}
