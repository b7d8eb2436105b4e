import { useEffect, useRef, useState, type FormEvent } from 'react';
import { SECURITY_CODE_VALID_MINUTES } from '../../../src-shared/api/service-unlock.js';
import { useServiceMutation } from '../../api/service-query.js';
import { EmailCodeField } from '../../components/email-code-field.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { LiveStatus } from '../../components/live-status.js';
import { PageHeading } from '../../components/page-heading.js';
import { formatTime } from '../../format/dates.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';

// After the smartcard approved a new email address: the 6-digit code sent to that address, so
// the change takes effect only for an address the holder can read.

const CODE_ID = 'email-code';

/** The service's words, kept short: a wrong code says how many tries are left. */
function problemOf(code: string, message: string): string {
  if (code !== 'bad-request') return message;
  const left = /(\d+) (tries|try) left/.exec(message);
  return left ? `The code is not right. ${left[1]} ${left[2]} left.` : 'Enter the 6-digit code from the email';
}

export function ConfirmEmailCode({ sentTo, expiresAt, onConfirmed }: { sentTo: string; expiresAt: string; onConfirmed: () => void }) {
  const confirm = useServiceMutation('confirmContactEmail');
  const [code, setCode] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [failures, setFailures] = useState(0);
  const summaryRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (failures > 0) summaryRef.current?.focus();
  }, [failures]);

  const fail = (message: string): void => {
    setProblem(message);
    setFailures((n) => n + 1);
  };

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (confirm.isPending) return;
    const typed = code.replace(/\s/g, '');
    if (!/^\d{6}$/.test(typed)) return fail(typed === '' ? 'Enter the 6-digit code from the email' : 'The code is 6 digits, like 123456');
    setProblem(null);
    confirm.mutate({ body: { code: typed } }, { onSuccess: onConfirmed, onError: (error) => fail(problemOf(error.code, error.message)) });
  };

  return (
    <>
      <PageHeading caption="Your profile">Check your email</PageHeading>
      <ErrorSummary ref={summaryRef} errors={problem ? [{ text: problem, href: `#${CODE_ID}` }] : []} />
      <p>
        Your smartcard approved the change. We have sent a 6-digit code to <strong>{sentTo}</strong>. Your email address changes when you enter it.
      </p>
      <p>
        The code expires in {SECURITY_CODE_VALID_MINUTES} minutes, at {formatTime(expiresAt)}.
      </p>
      <form noValidate onSubmit={submit}>
        <EmailCodeField id={CODE_ID} label="Code" problem={problem} value={code} onChange={setCode} />
        <LiveStatus className="nhsuk-body" message={confirm.isPending ? 'Checking the code…' : ''} />
        <div className="nhsuk-button-group">
          <button className="nhsuk-button" type="submit" disabled={confirm.isPending}>
            Confirm
          </button>
          <a className="nhsuk-link" href={hrefOf(CIM_PATHS.myProfile)}>
            Cancel
          </a>
        </div>
      </form>
    </>
  );
}
