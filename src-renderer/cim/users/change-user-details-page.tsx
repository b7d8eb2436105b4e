import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { z, ZodType } from 'zod';
import type { ChangeDetailsBody, Profile } from '../../../src-shared/api/service-cim.js';
import { Email, Mobile, NiNumber, PersonName } from '../../../src-shared/api/service-common.js';
import { useServiceMutation, useServiceQuery } from '../../api/service-query.js';
import { InsetText } from '../../components/callouts.js';
import { ErrorSummary, type ErrorItem } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { DateInput } from '../../components/date-input.js';
import { EMPTY_DATE, todayUtc, type DateParts } from '../../components/date-parts.js';
import { dateFromParts, SuccessBanner, TextField } from './user-form-fields.js';

// "Change personal or contact details" of another user: RA staff and ID checkers change them
// now; a sponsor's change goes to the Registration Authority as a request and the profile keeps
// its details until it is accepted. Only what was changed is sent.

type Field = 'givenName' | 'familyName' | 'niNumber' | 'dateOfBirth' | 'email' | 'mobile';
const FIELD_IDS: Record<Field, string> = {
  givenName: 'given-name',
  familyName: 'family-name',
  niNumber: 'ni-number',
  dateOfBirth: 'date-of-birth',
  email: 'email',
  mobile: 'mobile',
};

type TextFieldName = Exclude<Field, 'dateOfBirth'>;
type Values = Record<TextFieldName, string> & { readonly dateOfBirth: DateParts };
type Changes = z.input<typeof ChangeDetailsBody>;

const RULES: Record<TextFieldName, { schema: ZodType; invalid: string }> = {
  givenName: { schema: PersonName, invalid: 'Enter a first name of 100 characters or fewer' },
  familyName: { schema: PersonName, invalid: 'Enter a last name of 100 characters or fewer' },
  niNumber: { schema: NiNumber, invalid: 'Enter a National Insurance number in the correct format, like QQ 12 34 56 C' },
  email: { schema: Email, invalid: 'Enter an email address in the correct format, like name@nhs.net' },
  mobile: { schema: Mobile, invalid: 'Enter a UK mobile number, like 07700 900 123' },
};

const valuesOf = (p: Profile): Values => ({
  givenName: p.givenName,
  familyName: p.familyName,
  niNumber: p.niNumber ?? '',
  email: p.email ?? '',
  mobile: p.mobile ?? '',
  dateOfBirth: EMPTY_DATE,
});

/** The changed fields, checked; an empty date of birth means "leave it as it is". */
function check(profile: Profile, values: Values): { changes: Changes; errors: Partial<Record<Field, string>> } {
  const before = valuesOf(profile);
  const errors: Partial<Record<Field, string>> = {};
  const changes: Record<string, string> = {};
  for (const field of Object.keys(RULES) as TextFieldName[]) {
    const value = values[field].trim();
    if (value === before[field].trim()) continue;
    if (RULES[field].schema.safeParse(value).success) changes[field] = value;
    else errors[field] = RULES[field].invalid;
  }
  const { day, month, year } = values.dateOfBirth;
  if (day.trim() || month.trim() || year.trim()) {
    const dob = dateFromParts(values.dateOfBirth, 'date of birth', todayUtc());
    if ('problem' in dob) errors.dateOfBirth = dob.problem;
    else changes['dateOfBirth'] = dob.date;
  }
  return { changes, errors };
}

export function ChangeUserDetailsPage({ uuid }: { uuid: string }) {
  const profile = useServiceQuery('profile', { params: { uuid } });
  const back = hrefOf(CIM_PATHS.userProfile(uuid));
  return (
    <>
      <a className="nhsuk-back-link" href={back}>
        Back
      </a>
      {profile.isPending && (
        <>
          <PageHeading caption="User profile">Change personal or contact details</PageHeading>
          <div role="status" className="nhsuk-body">
            Loading the profile…
          </div>
        </>
      )}
      {profile.isError && (
        <>
          <PageHeading caption="User profile">Change personal or contact details</PageHeading>
          <ErrorSummary errors={[{ text: profile.error.message }]} />
        </>
      )}
      {profile.isSuccess && <DetailsForm profile={profile.data} back={back} />}
    </>
  );
}

function DetailsForm({ profile, back }: { profile: Profile; back: string }) {
  const change = useServiceMutation('changeDetails');
  const summaryRef = useRef<HTMLDivElement>(null);
  const [values, setValues] = useState<Values>(() => valuesOf(profile));
  const [errors, setErrors] = useState<Partial<Record<Field, string>>>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [failures, setFailures] = useState(0);
  const name = `${profile.givenName} ${profile.familyName}`;

  useEffect(() => {
    if (failures > 0) summaryRef.current?.focus();
  }, [failures]);

  const fail = (fieldErrors: Partial<Record<Field, string>>, message: string | null): void => {
    setErrors(fieldErrors);
    setProblem(message);
    setFailures((n) => n + 1);
  };

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (change.isPending) return;
    const checked = check(profile, values);
    if (Object.keys(checked.errors).length > 0) return fail(checked.errors, null);
    if (Object.keys(checked.changes).length === 0) return fail({}, 'Change at least one detail, or select Cancel');
    setErrors({});
    setProblem(null);
    change.mutate({ params: { uuid: profile.uuid }, body: checked.changes }, { onError: (error) => fail({}, error.message) });
  };

  if (change.isSuccess) {
    return change.data.outcome === 'changed' ? (
      <>
        <SuccessBanner id="details-changed">
          <PageHeading className="nhsuk-notification-banner__heading">Details changed successfully</PageHeading>
          <p className="nhsuk-body">The profile of {name} has been updated.</p>
        </SuccessBanner>
        <p>
          <a className="nhsuk-link" href={back}>
            Back to the profile of {name}
          </a>
        </p>
      </>
    ) : (
      <>
        <SuccessBanner id="details-requested">
          <PageHeading className="nhsuk-notification-banner__heading">Your request has been sent to the Registration Authority</PageHeading>
          <p className="nhsuk-body">The details of {name} will change when a member of the Registration Authority accepts your request.</p>
        </SuccessBanner>
        <InsetText>
          <p>Until then the profile shows the current details and the change is pending.</p>
        </InsetText>
        <p>
          <a className="nhsuk-link" href={back}>
            Back to the profile of {name}
          </a>
        </p>
      </>
    );
  }

  const set = (field: TextFieldName) => (value: string) => setValues((v) => ({ ...v, [field]: value }));
  const summary: ErrorItem[] = [
    ...(Object.entries(errors) as [Field, string][]).map(([field, text]) => ({ text, href: `#${field === 'dateOfBirth' ? 'date-of-birth' : FIELD_IDS[field]}` })),
    ...(problem ? [{ text: problem }] : []),
  ];
  return (
    <>
      <PageHeading caption={name}>Change personal or contact details</PageHeading>
      <ErrorSummary ref={summaryRef} errors={summary} />
      <form noValidate onSubmit={submit}>
        <TextField id={FIELD_IDS.givenName} label="First name" error={errors.givenName} value={values.givenName} onChange={set('givenName')} width={20} />
        <TextField id={FIELD_IDS.familyName} label="Last name" error={errors.familyName} value={values.familyName} onChange={set('familyName')} width={20} />
        <DateInput
          id={FIELD_IDS.dateOfBirth}
          legend="Date of birth"
          hint="Leave blank to keep the date of birth on the profile. For example, 15 3 1984"
          error={errors.dateOfBirth}
          value={values.dateOfBirth}
          onChange={(dateOfBirth) => setValues((v) => ({ ...v, dateOfBirth }))}
        />
        <TextField id={FIELD_IDS.niNumber} label="National Insurance number" hint="For example, QQ 12 34 56 C" error={errors.niNumber} value={values.niNumber} onChange={set('niNumber')} width={10} />
        <TextField id={FIELD_IDS.email} label="Email address" type="email" error={errors.email} value={values.email} onChange={set('email')} />
        <TextField id={FIELD_IDS.mobile} label="Mobile number" type="tel" error={errors.mobile} value={values.mobile} onChange={set('mobile')} width={20} />
        <div role="status" className="nhsuk-body">
          {change.isPending ? 'Saving the changes…' : ''}
        </div>
        <div className="nhsuk-button-group">
          <button className="nhsuk-button" type="submit" disabled={change.isPending}>
            Save changes
          </button>
          <a className="nhsuk-link" href={back}>
            Cancel
          </a>
        </div>
      </form>
    </>
  );
}
