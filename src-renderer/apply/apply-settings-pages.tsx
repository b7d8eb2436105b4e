import { useState, type FormEvent } from 'react';
import { Email } from '../../src-shared/api/service-common.js';
import { useServiceMutation, useServiceQuery } from '../api/service-query.js';
import { EmailCodeField } from '../components/email-code-field.js';
import { ErrorMessage, ErrorSummary } from '../components/error-summary.js';
import { LiveStatus } from '../components/live-status.js';
import { PageHeading } from '../components/page-heading.js';
import { SummaryList } from '../components/summary-list.js';
import { formatTime } from '../format/dates.js';
import { CIM_PATHS, hrefOf } from '../cim/cim-paths.js';
import { SuccessBanner } from '../cim/users/user-form-fields.js';
import { APPLY_CAPTION, Radios, useFailureFocus } from './apply-ui.js';

// Settings (seed 003, first login): the email address applicants write to with their queries.
// Email address -> Change -> the current address or "Use a different email address" ->
// Continue -> a 6-digit security code to that address -> Continue -> Home. A shared inbox is
// allowed; the address counts only once its code has been entered.

const SHARED_INBOX = 'A shared inbox or email address can be used for contact.';

export function ApplySettingsPage() {
  const settings = useServiceQuery('applySettings', {});
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.applyHome)}>
        Back
      </a>
      <PageHeading caption={APPLY_CAPTION}>Settings</PageHeading>
      <LiveStatus className="nhsuk-body" message={settings.isPending ? 'Loading your settings…' : ''} />
      {settings.isError && <ErrorSummary errors={[{ text: settings.error.message }]} />}
      {settings.data && (
        <>
          <p>Applicants are given this email address to contact if they have any queries. {SHARED_INBOX}</p>
          <SummaryList
            rows={[
              {
                key: 'Email address',
                value: settings.data.queryEmail ?? 'Not set yet',
                change: { href: hrefOf(CIM_PATHS.applySettingsEmail), what: 'email address' },
              },
            ]}
          />
          <a className="nhsuk-button nhsuk-button--secondary" href={hrefOf(CIM_PATHS.applyHome)} role="button" draggable="false">
            Home
          </a>
        </>
      )}
    </>
  );
}

type Stage = { kind: 'choose' } | { kind: 'code'; sentTo: string; expiresAt: string } | { kind: 'done'; email: string };

export function ApplySettingsEmailPage() {
  const [stage, setStage] = useState<Stage>({ kind: 'choose' });
  switch (stage.kind) {
    case 'choose':
      return <ChooseEmail onSent={(sentTo, expiresAt) => setStage({ kind: 'code', sentTo, expiresAt })} />;
    case 'code':
      return <EnterCode key={stage.sentTo} sentTo={stage.sentTo} expiresAt={stage.expiresAt} onConfirmed={(email) => setStage({ kind: 'done', email })} />;
    case 'done':
      return <EmailConfirmed email={stage.email} />;
  }
}

const CHOICE_ID = 'email-choice';
const OTHER_ID = 'other-email';

function ChooseEmail({ onSent }: { onSent: (sentTo: string, expiresAt: string) => void }) {
  const settings = useServiceQuery('applySettings', {});
  const send = useServiceMutation('applyChangeSettingsEmail');
  const [choice, setChoice] = useState<'current' | 'other' | null>(null);
  const [other, setOther] = useState('');
  const [errors, setErrors] = useState<{ choice?: string; other?: string; service?: string }>({});
  const focus = useFailureFocus();
  const current = settings.data?.profileEmail ?? null;

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (send.isPending) return;
    const chosen = current === null ? 'other' : choice;
    const fail = (next: typeof errors) => {
      setErrors(next);
      focus.failed();
    };
    if (chosen === null) return fail({ choice: 'Select the email address applicants should use' });
    const email = chosen === 'current' && current !== null ? current : other.trim();
    if (chosen === 'other' && email === '') return fail({ other: 'Enter an email address' });
    if (!Email.safeParse(email).success) return fail({ other: 'Enter an email address in the correct format, like team.inbox@nhs.net' });
    setErrors({});
    send.mutate({ body: { email } }, { onSuccess: (sent) => onSent(sent.sentTo, sent.expiresAt), onError: (error) => fail({ service: error.message }) });
  };

  const otherField = (
    <div className={`nhsuk-form-group${errors.other ? ' nhsuk-form-group--error' : ''}`}>
      <label className="nhsuk-label" htmlFor={OTHER_ID}>
        Email address
      </label>
      <div className="nhsuk-hint" id={`${OTHER_ID}-hint`}>
        {SHARED_INBOX}
      </div>
      {errors.other && <ErrorMessage id={`${OTHER_ID}-error`}>{errors.other}</ErrorMessage>}
      <input
        className={`nhsuk-input${errors.other ? ' nhsuk-input--error' : ''}`}
        id={OTHER_ID}
        name={OTHER_ID}
        type="email"
        autoComplete="email"
        spellCheck={false}
        value={other}
        onChange={(e) => setOther(e.target.value)}
        aria-describedby={[`${OTHER_ID}-hint`, ...(errors.other ? [`${OTHER_ID}-error`] : [])].join(' ')}
      />
    </div>
  );
  const summary = [
    ...(errors.choice ? [{ text: errors.choice, href: `#${CHOICE_ID}` }] : []),
    ...(errors.other ? [{ text: errors.other, href: `#${OTHER_ID}` }] : []),
    ...(errors.service ? [{ text: errors.service }] : []),
  ];
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.applySettings)}>
        Back
      </a>
      <PageHeading caption={APPLY_CAPTION}>Email address for applicants&apos; queries</PageHeading>
      <ErrorSummary ref={focus.ref} errors={summary} />
      <LiveStatus className="nhsuk-body" message={settings.isPending ? 'Loading your settings…' : ''} />
      {settings.isError && <ErrorSummary errors={[{ text: settings.error.message }]} />}
      {settings.data && (
        <form noValidate onSubmit={submit}>
          {current === null ? (
            <>
              <p>Your profile has no email address, so enter the address applicants should use.</p>
              {otherField}
            </>
          ) : (
            <Radios
              id={CHOICE_ID}
              legend="Which email address should applicants use?"
              hint={`${SHARED_INBOX} We send a 6-digit security code to the address to check it.`}
              error={errors.choice}
              options={[
                { value: 'current', label: current, hint: 'The email address on your profile' },
                { value: 'other', label: 'Use a different email address', conditional: otherField },
              ]}
              value={choice}
              onChange={setChoice}
            />
          )}
          <LiveStatus className="nhsuk-body" message={send.isPending ? 'Sending the security code…' : ''} />
          <div className="nhsuk-button-group">
            <button className="nhsuk-button" type="submit" disabled={send.isPending}>
              Continue
            </button>
            <a className="nhsuk-link" href={hrefOf(CIM_PATHS.applySettings)}>
              Cancel
            </a>
          </div>
        </form>
      )}
    </>
  );
}

const CODE_ID = 'security-code';

function EnterCode({ sentTo, expiresAt, onConfirmed }: { sentTo: string; expiresAt: string; onConfirmed: (email: string) => void }) {
  const confirm = useServiceMutation('applyConfirmSettingsEmail');
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const focus = useFailureFocus();

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (confirm.isPending) return;
    const typed = code.replace(/\s/g, '');
    const fail = (message: string) => {
      setProblem(message);
      focus.failed();
    };
    if (typed === '') return fail('Enter the security code');
    if (!/^\d{6}$/.test(typed)) return fail('The security code is 6 digits, like 123456');
    setProblem(null);
    confirm.mutate({ body: { code: typed } }, { onSuccess: (settings) => onConfirmed(settings.queryEmail ?? sentTo), onError: (error) => fail(error.message) });
  };

  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.applySettings)}>
        Back
      </a>
      <PageHeading caption={APPLY_CAPTION}>Enter the security code</PageHeading>
      <ErrorSummary ref={focus.ref} errors={problem ? [{ text: problem, href: `#${CODE_ID}` }] : []} />
      <p>
        We have sent a 6-digit security code to <strong>{sentTo}</strong>. It expires at {formatTime(expiresAt)}.
      </p>
      <form noValidate onSubmit={submit}>
        <EmailCodeField id={CODE_ID} label="Security code" name={CODE_ID} problem={problem} value={code} onChange={setCode} />
        <LiveStatus className="nhsuk-body" message={confirm.isPending ? 'Checking the code…' : ''} />
        <button className="nhsuk-button" type="submit" disabled={confirm.isPending}>
          Continue
        </button>
      </form>
    </>
  );
}

function EmailConfirmed({ email }: { email: string }) {
  return (
    <>
      <SuccessBanner id="settings-saved">
        <PageHeading className="nhsuk-notification-banner__heading">Email address saved</PageHeading>
        <p className="nhsuk-body">
          Applicants will be given <strong>{email}</strong> to contact with their queries.
        </p>
      </SuccessBanner>
      <a className="nhsuk-button" href={hrefOf(CIM_PATHS.applyHome)} role="button" draggable="false">
        Home
      </a>
    </>
  );
}
