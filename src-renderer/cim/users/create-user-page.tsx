import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { z, ZodType } from 'zod';
import { DUPLICATE_PROFILE, type CreateUserBody } from '../../../src-shared/api/cim-users.js';
import { Email, Mobile, NiNumber, PersonName } from '../../../src-shared/api/service-common.js';
import { toAgentCallError } from '../../api/agent-call-error.js';
import { useAgentClient } from '../../api/agent-context.js';
import { useServiceMutation } from '../../api/service-query.js';
import { ErrorSummary, type ErrorItem } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { useCimSession } from '../cim-session.js';
import { DateInput } from '../../components/date-input.js';
import { EMPTY_DATE, todayUtc } from '../../components/date-parts.js';
import { PERSON_FIELD_IDS, type PersonValues } from '../../components/person-fields.js';
import { dateFromParts, SuccessBanner, TextField } from './user-form-fields.js';

// "Create a new user" (RA staff and ID checkers): the person's names, date of birth, National
// Insurance number, contact details and home organisation. The service checks the NI number and
// date of birth against every profile first; when the person already has one, this page links to
// it (found by the NI number) instead of making a second.

type Field = 'givenName' | 'familyName' | 'dateOfBirth' | 'niNumber' | 'email' | 'mobile' | 'homeOrganisationCode';
const FIELD_IDS: Record<Field, string> = { ...PERSON_FIELD_IDS, homeOrganisationCode: 'home-organisation' };
/** Where an error summary link takes focus: the day box of the date. */
const focusId = (field: Field): string => (field === 'dateOfBirth' ? 'date-of-birth' : FIELD_IDS[field]);

interface Values extends PersonValues {
  readonly homeOrganisationCode: string;
}

type Check = { ok: true; body: z.input<typeof CreateUserBody> } | { ok: false; errors: Partial<Record<Field, string>> };


/** The form checked with the service's own schemas, the problems in the user's words. */
function check(values: Values): Check {
  const errors: Partial<Record<Field, string>> = {};
  const body: Record<string, string> = {};
  const take = (field: Field, schema: ZodType, value: string, empty: string | null, invalid: string): void => {
    const v = value.trim();
    if (v === '') {
      if (empty) errors[field] = empty;
      return;
    }
    if (schema.safeParse(v).success) body[field] = v;
    else errors[field] = invalid;
  };
  take('givenName', PersonName, values.givenName, 'Enter the first name', 'The first name must be 100 characters or fewer');
  take('familyName', PersonName, values.familyName, 'Enter the last name', 'The last name must be 100 characters or fewer');
  const dob = dateFromParts(values.dateOfBirth, 'date of birth', todayUtc());
  if ('problem' in dob) errors.dateOfBirth = dob.problem;
  else body['dateOfBirth'] = dob.date;
  take('niNumber', NiNumber, values.niNumber, 'Enter the National Insurance number', 'Enter a National Insurance number in the correct format, like QQ 12 34 56 C');
  take('email', Email, values.email, null, 'Enter an email address in the correct format, like name@nhs.net');
  take('mobile', Mobile, values.mobile, null, 'Enter a UK mobile number, like 07700 900 123');
  if (values.homeOrganisationCode.trim() === '') errors.homeOrganisationCode = 'Enter the ODS code of the home organisation';
  else body['homeOrganisationCode'] = values.homeOrganisationCode.trim().toUpperCase();
  // Every required field is in `body` when there are no errors.
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, body: body as z.input<typeof CreateUserBody> };
}

interface Existing {
  readonly uuid: string;
  readonly name: string;
  readonly closed: boolean;
}

export function CreateUserPage() {
  const session = useCimSession();
  const client = useAgentClient();
  const create = useServiceMutation('createUser');
  const summaryRef = useRef<HTMLDivElement>(null);
  const [values, setValues] = useState<Values>({
    givenName: '',
    familyName: '',
    dateOfBirth: EMPTY_DATE,
    niNumber: '',
    email: '',
    mobile: '',
    homeOrganisationCode: session.position.organisation.code,
  });
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [existing, setExisting] = useState<Existing | null>(null);
  const [failures, setFailures] = useState(0);
  const [created, setCreated] = useState<{ uuid: string; name: string } | null>(null);

  useEffect(() => {
    if (failures > 0) summaryRef.current?.focus();
  }, [failures]);

  const fail = (fieldErrors: Partial<Record<Field, string>>, message: string | null, found: Existing | null = null): void => {
    setErrors(fieldErrors);
    setProblem(message);
    setExisting(found);
    setFailures((n) => n + 1);
  };

  /** The existing profile for this NI number, to link to; null when the search cannot find it. */
  const findExisting = async (niNumber: string): Promise<Existing | null> => {
    try {
      const { results } = await client.invoke('cim.findUsers', { niNumber, onlyMyOrganisations: false });
      const match = results[0];
      return match ? { uuid: match.uuid, name: match.name, closed: match.status === 'closed' } : null;
    } catch {
      return null;
    }
  };

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (create.isPending) return;
    const checked = check(values);
    if (!checked.ok) return fail(checked.errors, null);
    setErrors({});
    setProblem(null);
    setExisting(null);
    create.mutate(
      { body: checked.body },
      {
        onSuccess: (user) => setCreated(user),
        onError: (failure) => {
          const error = toAgentCallError(failure);
          if (error.message === DUPLICATE_PROFILE) {
            void findExisting(checked.body.niNumber).then((found) => fail({}, 'A profile already exists for this person', found));
            return;
          }
          fail({}, error.message);
        },
      },
    );
  };

  if (created) return <UserCreated user={created} />;

  const set = (field: Exclude<Field, 'dateOfBirth'>) => (value: string) => setValues((v) => ({ ...v, [field]: value }));
  const summary: ErrorItem[] = [
    ...(Object.entries(errors) as [Field, string][]).map(([field, text]) => ({ text, href: `#${focusId(field)}` })),
    ...(problem ? [{ text: problem }] : []),
  ];
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.home)}>
        Back
      </a>
      <PageHeading caption="Care Identity Management">Create a new user</PageHeading>
      <ErrorSummary ref={summaryRef} errors={summary} />
      {existing && (
        <p className="nhsuk-body">
          <a className="nhsuk-link" href={hrefOf(CIM_PATHS.userProfile(existing.uuid))}>
            View the existing profile of {existing.name}
          </a>
          {existing.closed ? ' (closed: it can be reopened)' : ''}
        </p>
      )}
      <p>We check the National Insurance number and date of birth first, so a person never gets a second profile.</p>
      <form noValidate onSubmit={submit}>
        <TextField id={FIELD_IDS.givenName} label="First name" error={errors.givenName} value={values.givenName} onChange={set('givenName')} autoComplete="off" width={20} />
        <TextField id={FIELD_IDS.familyName} label="Last name" error={errors.familyName} value={values.familyName} onChange={set('familyName')} width={20} />
        <DateInput
          id={FIELD_IDS.dateOfBirth}
          legend="Date of birth"
          hint="For example, 15 3 1984"
          error={errors.dateOfBirth}
          value={values.dateOfBirth}
          onChange={(dateOfBirth) => setValues((v) => ({ ...v, dateOfBirth }))}
        />
        <TextField
          id={FIELD_IDS.niNumber}
          label="National Insurance number"
          hint="It's on their National Insurance card, benefit letter, payslip or P60. For example, QQ 12 34 56 C"
          error={errors.niNumber}
          value={values.niNumber}
          onChange={set('niNumber')}
          width={10}
        />
        <TextField id={FIELD_IDS.email} label="Email address (optional)" type="email" error={errors.email} value={values.email} onChange={set('email')} />
        <TextField id={FIELD_IDS.mobile} label="Mobile number (optional)" type="tel" error={errors.mobile} value={values.mobile} onChange={set('mobile')} width={20} />
        <TextField
          id={FIELD_IDS.homeOrganisationCode}
          label="Home organisation ODS code"
          hint="Your organisation or one of its child organisations"
          error={errors.homeOrganisationCode}
          value={values.homeOrganisationCode}
          onChange={set('homeOrganisationCode')}
          width={10}
        />
        <div role="status" className="nhsuk-body">
          {create.isPending ? 'Checking for an existing profile and creating the user…' : ''}
        </div>
        <div className="nhsuk-button-group">
          <button className="nhsuk-button" type="submit" disabled={create.isPending}>
            Create user
          </button>
          <a className="nhsuk-link" href={hrefOf(CIM_PATHS.home)}>
            Cancel
          </a>
        </div>
      </form>
    </>
  );
}

function UserCreated({ user }: { user: { uuid: string; name: string } }) {
  return (
    <>
      <SuccessBanner id="user-created">
        <PageHeading className="nhsuk-notification-banner__heading">User created successfully</PageHeading>
        <p className="nhsuk-body">A profile has been created for {user.name}.</p>
      </SuccessBanner>
      <p>
        <a className="nhsuk-link" href={hrefOf(CIM_PATHS.userProfile(user.uuid))}>
          View the profile of {user.name}
        </a>
      </p>
      <p>
        <a className="nhsuk-link" href={hrefOf(CIM_PATHS.home)}>
          Back to Care Identity Management
        </a>
      </p>
    </>
  );
}
