import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate } from 'react-router';
import { useAgentSnapshot } from '../api/agent-context.js';
import { ErrorSummary } from '../components/error-summary.js';
import { PageHeading } from '../components/page-heading.js';
import { CIM_PATHS, hrefOf } from '../cim/cim-paths.js';
import { useCimSession } from '../cim/cim-session.js';
import { APPLY_CAPTION, Checkbox, Radios, useFailureFocus } from './apply-ui.js';
import { browserStore, rememberedLogin, rememberLogin, type LoginMethod } from './remembered-login.js';

// Apply for Care ID's Start and Log in pages (seed 003, "Login to apply for Care ID"): Start ->
// Log in -> Smartcard as the login method, "Remember my selection" -> Continue. The smartcard
// login is the session this workstation already has through the Identity Agent, so no passcode is
// asked for here; when that session is locked, the agent's own unlock screen takes this page's
// place until the holder unlocks it.

export function ApplyStartPage() {
  const session = useCimSession();
  const navigate = useNavigate();
  const remembered = rememberedLogin(browserStore(), session.user.uuid) !== null;
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.home)}>
        Back to Care Identity Management
      </a>
      <PageHeading>Apply for Care ID</PageHeading>
      <p className="nhsuk-body-l">Apply for a smartcard for a new member of staff, and follow their application until the smartcard is posted.</p>
      <p>
        You give the applicant&apos;s personal details. We email them a link to confirm their details and text them a link to prove their identity. An ID checker then
        checks their application and the Registration Authority issues the smartcard.
      </p>
      {remembered && <p>Your login method is remembered on this computer, so Start takes you straight to your applications.</p>}
      <button className="nhsuk-button nhsuk-button--start" type="button" onClick={() => void navigate(remembered ? CIM_PATHS.applyHome : CIM_PATHS.applyLogIn)}>
        Start
      </button>
    </>
  );
}

const METHOD_ID = 'login-method';
const REMEMBER_ID = 'remember-selection';

export function ApplyLogInPage() {
  const session = useCimSession();
  const snapshot = useAgentSnapshot();
  const navigate = useNavigate();
  const [method, setMethod] = useState<LoginMethod | null>(null);
  const [remember, setRemember] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const focus = useFailureFocus();

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (method === null) {
      setProblem('Select how you want to log in');
      focus.failed();
      return;
    }
    // This page shows only while the agent's smartcard session is signed in: a locked session
    // replaces it with the agent's unlock screen. Checked again here in case it just locked.
    if (snapshot.state?.screen.kind !== 'signed-in') {
      setProblem('Your smartcard session is locked or has ended. Unlock it with your smartcard in the Identity Agent, then continue.');
      focus.failed();
      return;
    }
    rememberLogin(browserStore(), session.user.uuid, remember ? method : null);
    void navigate(CIM_PATHS.applyHome);
  };

  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.applyStart)}>
        Back
      </a>
      <PageHeading caption={APPLY_CAPTION}>Log in</PageHeading>
      <ErrorSummary ref={focus.ref} errors={problem ? [{ text: problem, href: `#${METHOD_ID}` }] : []} />
      <form noValidate onSubmit={submit}>
        <Radios
          id={METHOD_ID}
          legend="How do you want to log in?"
          error={problem ?? undefined}
          options={[
            {
              value: 'smartcard',
              label: 'Smartcard',
              hint: `Uses the smartcard you are signed in with (${session.user.name}, ${session.position.title} at ${session.position.organisation.name}). You do not enter your passcode again.`,
            },
          ]}
          value={method}
          onChange={setMethod}
        />
        <Checkbox
          id={REMEMBER_ID}
          label="Remember my selection"
          hint="Kept in this browser on this computer: next time, Start takes you straight to your applications. Untick it and continue to forget it."
          checked={remember}
          onChange={setRemember}
        />
        <p>If your smartcard session is locked, the Identity Agent asks you to unlock it with your smartcard and passcode before you continue.</p>
        <button className="nhsuk-button" type="submit">
          Continue
        </button>
      </form>
    </>
  );
}

/** An old or mistyped Apply for Care ID address opens the Start page. */
export function ApplyNotFound() {
  return <Navigate to={CIM_PATHS.applyStart} replace />;
}
