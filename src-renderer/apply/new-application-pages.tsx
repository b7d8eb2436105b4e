import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { Navigate, useNavigate, useSearchParams } from 'react-router';
import { useServiceMutation, useServiceQuery } from '../api/service-query.js';
import { InsetText } from '../components/callouts.js';
import { DateInput } from '../components/date-input.js';
import { ErrorSummary } from '../components/error-summary.js';
import { LiveStatus } from '../components/live-status.js';
import { PageHeading } from '../components/page-heading.js';
import { PERSON_FIELD_IDS, type PersonValues } from '../components/person-fields.js';
import { SummaryList } from '../components/summary-list.js';
import { formatDate } from '../format/dates.js';
import { CIM_PATHS, hrefOf } from '../cim/cim-paths.js';
import { useCimSession } from '../cim/cim-session.js';
import { SuccessBanner, TextArea, TextField } from '../cim/users/user-form-fields.js';
import {
  ADDRESS_CHOICE_ID,
  ADDRESS_FIELD_IDS,
  bodyOf,
  checkAddress,
  checkAddressChoice,
  checkNotes,
  checkPersonal,
  EMPTY_DRAFT,
  firstUnfinishedStep,
  NOTES_FIELD_IDS,
  type AccessKind,
  type AddressValues,
  type DraftStep,
  type Problems,
} from './application-draft.js';
import { useApplyLayout } from './apply-layout.js';
import { APPLY_CAPTION, Radios, summaryOf, useFailureFocus } from './apply-ui.js';

// New application (seed 003, "Start a new application"): the applicant's personal details ->
// "Do you want the applicant to provide a delivery address?" -> (No: the address) -> Notes (the
// access position, or a colleague's access to copy) -> Check your answers -> Submit. The answers
// live in the Apply layout, so Back and the Change links keep them; a Change link returns to the
// check page (?from=check).

const stepPath = (step: DraftStep | 'check' | 'submitted'): string => (step === 'details' ? CIM_PATHS.applyNew : CIM_PATHS.applyNewStep(step));

/** Where Continue goes: back to the check page after a Change, else the next step. */
function useContinue() {
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const fromCheck = params.get('from') === 'check';
  return { fromCheck, go: (next: DraftStep | 'check') => void navigate(fromCheck ? stepPath('check') : stepPath(next)) };
}

function StepPage({ back, title, children }: { back: string; title: string; children: ReactNode }) {
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(back)}>
        Back
      </a>
      <PageHeading caption="New application">{title}</PageHeading>
      {children}
    </>
  );
}

export function PersonalDetailsPage() {
  const { draft, setDraft } = useApplyLayout();
  const next = useContinue();
  const [values, setValues] = useState<PersonValues>(draft.personal);
  const [problems, setProblems] = useState<Problems>({});
  const focus = useFailureFocus();
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const found = checkPersonal(values);
    setProblems(found);
    setDraft((d) => ({ ...d, personal: values }));
    if (Object.keys(found).length > 0) return focus.failed();
    next.go('address-choice');
  };
  const set = (field: Exclude<keyof PersonValues, 'dateOfBirth'>) => (value: string) => setValues((v) => ({ ...v, [field]: value }));
  return (
    <StepPage back={next.fromCheck ? stepPath('check') : CIM_PATHS.applyHome} title="Applicant's personal details">
      <ErrorSummary ref={focus.ref} errors={summaryOf(problems)} />
      <p>Enter all the applicant&apos;s personal details. We email them a link to confirm these details and text them a link to prove their identity.</p>
      <form noValidate onSubmit={submit}>
        <TextField id={PERSON_FIELD_IDS.givenName} label="Given name" error={problems[PERSON_FIELD_IDS.givenName]} value={values.givenName} onChange={set('givenName')} width={20} />
        <TextField id={PERSON_FIELD_IDS.familyName} label="Family name" error={problems[PERSON_FIELD_IDS.familyName]} value={values.familyName} onChange={set('familyName')} width={20} />
        <DateInput
          id={PERSON_FIELD_IDS.dateOfBirth}
          legend="Date of birth"
          hint="For example, 15 3 1984"
          error={problems[PERSON_FIELD_IDS.dateOfBirth]}
          value={values.dateOfBirth}
          onChange={(dateOfBirth) => setValues((v) => ({ ...v, dateOfBirth }))}
        />
        <TextField
          id={PERSON_FIELD_IDS.niNumber}
          label="National Insurance number"
          hint="For example, AB 12 34 56 C"
          error={problems[PERSON_FIELD_IDS.niNumber]}
          value={values.niNumber}
          onChange={set('niNumber')}
          width={10}
        />
        <TextField
          id={PERSON_FIELD_IDS.email}
          label="Email address"
          hint="An NHS, AC or GOV email address is strongly recommended: it lets them use Smartcard Self Unlock"
          type="email"
          error={problems[PERSON_FIELD_IDS.email]}
          value={values.email}
          onChange={set('email')}
        />
        <TextField id={PERSON_FIELD_IDS.mobile} label="Mobile number" hint="A UK mobile, like 07700 900 123" type="tel" error={problems[PERSON_FIELD_IDS.mobile]} value={values.mobile} onChange={set('mobile')} width={20} />
        <button className="nhsuk-button" type="submit">
          Continue
        </button>
      </form>
    </StepPage>
  );
}

export function AddressChoicePage() {
  const { draft, setDraft } = useApplyLayout();
  const next = useContinue();
  const navigate = useNavigate();
  const [choice, setChoice] = useState<'yes' | 'no' | null>(draft.applicantProvidesAddress === null ? null : draft.applicantProvidesAddress ? 'yes' : 'no');
  const [problems, setProblems] = useState<Problems>({});
  const focus = useFailureFocus();
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const provides = choice === null ? null : choice === 'yes';
    const found = checkAddressChoice(provides);
    setProblems(found);
    if (Object.keys(found).length > 0) return focus.failed();
    setDraft((d) => ({ ...d, applicantProvidesAddress: provides }));
    // "No" always asks for the address next, even after a Change from the check page.
    if (provides === false) void navigate(`${stepPath('address')}${next.fromCheck ? '?from=check' : ''}`);
    else next.go('notes');
  };
  return (
    <StepPage back={next.fromCheck ? stepPath('check') : CIM_PATHS.applyNew} title="Delivery address">
      <ErrorSummary ref={focus.ref} errors={summaryOf(problems)} />
      <form noValidate onSubmit={submit}>
        <Radios
          id={ADDRESS_CHOICE_ID}
          legend="Do you want the applicant to provide a delivery address?"
          hint="The smartcard is posted to this address. It can be home or work; a work address must include the department or ward name so it arrives in the right place."
          error={problems[ADDRESS_CHOICE_ID]}
          options={[
            { value: 'yes', label: 'Yes', hint: 'They give it when they confirm their details' },
            { value: 'no', label: 'No', hint: 'You enter the address now' },
          ]}
          value={choice}
          onChange={setChoice}
          inline={false}
        />
        <button className="nhsuk-button" type="submit">
          Continue
        </button>
      </form>
    </StepPage>
  );
}

export function AddressPage() {
  const { draft, setDraft } = useApplyLayout();
  const next = useContinue();
  const [values, setValues] = useState<AddressValues>(draft.address);
  const [problems, setProblems] = useState<Problems>({});
  const focus = useFailureFocus();
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const found = checkAddress(values);
    setProblems(found);
    setDraft((d) => ({ ...d, address: values }));
    if (Object.keys(found).length > 0) return focus.failed();
    next.go('notes');
  };
  const set = (field: keyof AddressValues) => (value: string) => setValues((v) => ({ ...v, [field]: value }));
  return (
    <StepPage back={stepPath('address-choice')} title="Where should the smartcard be sent?">
      <ErrorSummary ref={focus.ref} errors={summaryOf(problems)} />
      <p>If this is a work address, include the department or ward name so the smartcard arrives in the right place.</p>
      <form noValidate onSubmit={submit}>
        <TextField id={ADDRESS_FIELD_IDS.line1} label="Address line 1" error={problems[ADDRESS_FIELD_IDS.line1]} value={values.line1} onChange={set('line1')} />
        <TextField id={ADDRESS_FIELD_IDS.line2} label="Address line 2 (optional)" error={problems[ADDRESS_FIELD_IDS.line2]} value={values.line2} onChange={set('line2')} />
        <TextField id={ADDRESS_FIELD_IDS.town} label="Town or city" error={problems[ADDRESS_FIELD_IDS.town]} value={values.town} onChange={set('town')} width={20} />
        <TextField id={ADDRESS_FIELD_IDS.postcode} label="Postcode" error={problems[ADDRESS_FIELD_IDS.postcode]} value={values.postcode} onChange={set('postcode')} width={10} />
        <button className="nhsuk-button" type="submit">
          Continue
        </button>
      </form>
    </StepPage>
  );
}

export function NotesPage() {
  const { draft, setDraft } = useApplyLayout();
  const next = useContinue();
  const options = useServiceQuery('applyAccessOptions', {});
  const [values, setValues] = useState(draft.notes);
  const [problems, setProblems] = useState<Problems>({});
  const focus = useFailureFocus();
  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const found = checkNotes(values);
    setProblems(found);
    setDraft((d) => ({ ...d, notes: values }));
    if (Object.keys(found).length > 0) return focus.failed();
    next.go('check');
  };
  const set = (field: 'positionId' | 'colleagueName' | 'colleagueCardNumber' | 'notes') => (value: string) => setValues((v) => ({ ...v, [field]: value }));
  const code = options.data?.organisation.code ?? '…';
  const positionError = problems[NOTES_FIELD_IDS.positionId];
  const positionField = (
    <>
      <div className={`nhsuk-form-group${positionError ? ' nhsuk-form-group--error' : ''}`}>
        <label className="nhsuk-label" htmlFor={NOTES_FIELD_IDS.positionId}>
          Access position
        </label>
        {positionError && (
          <span className="nhsuk-error-message" id={`${NOTES_FIELD_IDS.positionId}-error`}>
            <span className="nhsuk-u-visually-hidden">Error: </span>
            {positionError}
          </span>
        )}
        <select
          className={`nhsuk-select${positionError ? ' nhsuk-select--error' : ''}`}
          id={NOTES_FIELD_IDS.positionId}
          name={NOTES_FIELD_IDS.positionId}
          value={values.positionId}
          onChange={(e) => set('positionId')(e.target.value)}
          aria-describedby={`${NOTES_FIELD_IDS.positionId}-inset${positionError ? ` ${NOTES_FIELD_IDS.positionId}-error` : ''}`}
        >
          <option value="">Select a position</option>
          {options.data?.positions.map((p) => (
            <option key={p.id} value={String(p.id)}>
              {p.title} ({p.jobRole})
            </option>
          ))}
        </select>
      </div>
      <div id={`${NOTES_FIELD_IDS.positionId}-inset`}>
        <InsetText>
          <p>
            The position can only be added for the ODS code {code}
            {options.data ? ` (${options.data.organisation.name})` : ''}, the organisation you work under now. To add further roles from multiple sites, request
            access via Care Identity Management, once the Smartcard has been created.
          </p>
        </InsetText>
      </div>
    </>
  );
  const copyFields = (
    <>
      <TextField id={NOTES_FIELD_IDS.colleagueName} label="Colleague's name" error={problems[NOTES_FIELD_IDS.colleagueName]} value={values.colleagueName} onChange={set('colleagueName')} width={20} />
      <TextField
        id={NOTES_FIELD_IDS.colleagueCardNumber}
        label="Colleague's smartcard number"
        hint="The number printed on their smartcard"
        error={problems[NOTES_FIELD_IDS.colleagueCardNumber]}
        value={values.colleagueCardNumber}
        onChange={set('colleagueCardNumber')}
        width={20}
      />
    </>
  );
  return (
    <StepPage back={draft.applicantProvidesAddress === false ? stepPath('address') : stepPath('address-choice')} title="Notes">
      <ErrorSummary ref={focus.ref} errors={summaryOf(problems)} />
      <LiveStatus className="nhsuk-body" message={options.isPending ? 'Loading the positions you can request…' : ''} />
      {options.isError && <ErrorSummary errors={[{ text: options.error.message }]} />}
      <form noValidate onSubmit={submit}>
        <Radios<AccessKind>
          id={NOTES_FIELD_IDS.accessKind}
          legend="What access does the applicant need?"
          hint="Include the access position name that is required. If it is not known, give the name and smartcard number of a member of staff whose access should be copied."
          error={problems[NOTES_FIELD_IDS.accessKind]}
          options={[
            { value: 'position', label: 'An access position', conditional: positionField },
            { value: 'copy', label: "Copy a colleague's access", conditional: copyFields },
          ]}
          value={values.accessKind}
          onChange={(accessKind) => setValues((v) => ({ ...v, accessKind }))}
        />
        <TextArea
          id={NOTES_FIELD_IDS.notes}
          label="Notes (optional)"
          hint="Anything the ID checker or Registration Authority should know"
          error={problems[NOTES_FIELD_IDS.notes]}
          value={values.notes}
          onChange={set('notes')}
        />
        <button className="nhsuk-button" type="submit">
          Continue
        </button>
      </form>
    </StepPage>
  );
}

export function CheckAnswersPage() {
  const { draft, setCreated } = useApplyLayout();
  const navigate = useNavigate();
  const options = useServiceQuery('applyAccessOptions', {});
  const create = useServiceMutation('applyCreateApplication');
  const [problem, setProblem] = useState<string | null>(null);
  const focus = useFailureFocus();
  const unfinished = firstUnfinishedStep(draft);
  if (unfinished !== null) return <Navigate to={stepPath(unfinished)} replace />;
  const { personal, address, notes } = draft;
  const change = (step: DraftStep, what: string) => ({ href: hrefOf(`${stepPath(step)}?from=check`), what });
  const position = options.data?.positions.find((p) => String(p.id) === notes.positionId);
  const submit = (): void => {
    const body = bodyOf(draft);
    if (body === null || create.isPending) return;
    setProblem(null);
    create.mutate(
      { body },
      {
        onSuccess: (result) => {
          // The answers are cleared by the confirmation page: cleared here, this page would send
          // the sponsor back to the first step before the confirmation shows.
          setCreated({ ...result, applicantName: `${body.applicant.givenName} ${body.applicant.familyName}` });
          void navigate(stepPath('submitted'), { replace: true });
        },
        onError: (error) => {
          setProblem(error.message);
          focus.failed();
        },
      },
    );
  };
  const dob = personal.dateOfBirth;
  return (
    <StepPage back={stepPath('notes')} title="Check your answers">
      <ErrorSummary ref={focus.ref} errors={problem ? [{ text: problem }] : []} />
      {problem?.includes('settings') && (
        <p>
          <a className="nhsuk-link" href={hrefOf(CIM_PATHS.applySettings)}>
            Go to settings
          </a>
        </p>
      )}
      <h2 className="nhsuk-heading-m">Personal details</h2>
      <SummaryList
        rows={[
          { key: 'Given name', value: personal.givenName.trim(), change: change('details', 'given name') },
          { key: 'Family name', value: personal.familyName.trim(), change: change('details', 'family name') },
          { key: 'Date of birth', value: formatDate(`${dob.year}-${dob.month.trim().padStart(2, '0')}-${dob.day.trim().padStart(2, '0')}`), change: change('details', 'date of birth') },
          { key: 'National Insurance number', value: personal.niNumber.replace(/\s+/g, '').toUpperCase(), change: change('details', 'National Insurance number') },
          { key: 'Email address', value: personal.email.trim(), change: change('details', 'email address') },
          { key: 'Mobile number', value: personal.mobile.trim(), change: change('details', 'mobile number') },
        ]}
      />
      <h2 className="nhsuk-heading-m">Delivery address</h2>
      <SummaryList
        rows={[
          { key: 'Applicant provides the address', value: draft.applicantProvidesAddress ? 'Yes' : 'No', change: change('address-choice', 'who provides the delivery address') },
          ...(draft.applicantProvidesAddress
            ? []
            : [
                {
                  key: 'Address',
                  value: [address.line1, address.line2, address.town, address.postcode.toUpperCase()]
                    .map((line) => line.trim())
                    .filter(Boolean)
                    .map((line) => (
                      <span key={line} className="nhsuk-u-display-block">
                        {line}
                      </span>
                    )),
                  change: change('address', 'delivery address'),
                },
              ]),
        ]}
      />
      <h2 className="nhsuk-heading-m">Notes</h2>
      <SummaryList
        rows={[
          notes.accessKind === 'position'
            ? { key: 'Access position', value: position ? `${position.title} (${position.jobRole})` : `Position ${notes.positionId}`, change: change('notes', 'access position') }
            : { key: "Copy a colleague's access", value: `${notes.colleagueName.trim()}, smartcard ${notes.colleagueCardNumber.trim()}`, change: change('notes', "colleague's access") },
          { key: 'Notes', value: notes.notes.trim() || 'None', change: change('notes', 'notes') },
        ]}
      />
      <p>When you submit, a link is sent to the applicant&apos;s email address to confirm their details and to their mobile phone to verify their identity documents.</p>
      <LiveStatus className="nhsuk-body" message={create.isPending ? 'Submitting the application…' : ''} />
      <button className="nhsuk-button" type="button" disabled={create.isPending} onClick={submit}>
        Submit
      </button>
    </StepPage>
  );
}

export function ApplicationSubmittedPage() {
  const { created, setDraft } = useApplyLayout();
  const session = useCimSession();
  // Submitted: the next New application starts empty.
  useEffect(() => setDraft(() => EMPTY_DRAFT), [setDraft]);
  if (created === null) return <Navigate to={CIM_PATHS.applyHome} replace />;
  const link = (
    <p>
      <a className="nhsuk-link" href={hrefOf(CIM_PATHS.applyApplication(created.reference))}>
        View application {created.reference}
      </a>
    </p>
  );
  if (created.duplicateOf !== null) {
    return (
      <>
        <PageHeading caption={APPLY_CAPTION}>A Smartcard profile already exists</PageHeading>
        <p>
          Application <strong>{created.reference}</strong> for {created.applicantName} is in Duplicates: a Smartcard profile already exists for this National Insurance number
          and date of birth. No links were sent.
        </p>
        <p>The Registration Authority team will contact the applicant by email to inform them they already have a Smartcard profile.</p>
        {link}
        <HomeButton />
      </>
    );
  }
  return (
    <>
      <SuccessBanner id="application-submitted">
        <PageHeading className="nhsuk-notification-banner__heading">Application submitted</PageHeading>
        <p className="nhsuk-body">
          Application ID: <strong>{created.reference}</strong>
        </p>
      </SuccessBanner>
      <p>
        A link has been sent to {created.applicantName}&apos;s email address to confirm their details, and to their mobile phone to verify their identity documents. The
        links expire in 14 days.
      </p>
      <p>
        If they do not receive them, resend the invite from the application&apos;s page. Applicants write to the email address in your settings with their queries;
        the application is for {session.position.organisation.name}.
      </p>
      {link}
      <HomeButton />
    </>
  );
}

function HomeButton() {
  return (
    <a className="nhsuk-button nhsuk-button--secondary" href={hrefOf(CIM_PATHS.applyHome)} role="button" draggable="false">
      Home
    </a>
  );
}
