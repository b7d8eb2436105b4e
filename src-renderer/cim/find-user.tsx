import { useEffect, useRef, useState, type FormEvent } from 'react';
import { toAgentCallError } from '../api/agent-call-error.js';
import { useAgentClient } from '../api/agent-context.js';
import { ErrorMessage, ErrorSummary, type ErrorItem } from '../components/error-summary.js';
import { PageHeading } from '../components/page-heading.js';
import { CIM_PATHS, hrefOf } from './cim-paths.js';
import { FindUserResults, type FindUsersResult } from './find-user-results.js';
import { checkFindUser, FIND_USER_FIELD_IDS, type FindUserField, type FindUserValues } from './find-user-request.js';

// CIM "Find an existing user" (seed 003): name, National Insurance number or smartcard UUID,
// "Only show users in my organisation and child organisations", Search, then View profile.

export interface SavedSearch {
  readonly values: FindUserValues;
  readonly response: FindUsersResult | null;
}

export function FindUser({ saved, onSaved }: { saved: SavedSearch; onSaved: (search: SavedSearch) => void }) {
  const client = useAgentClient();
  const summaryRef = useRef<HTMLDivElement>(null);
  const [values, setValues] = useState<FindUserValues>(saved.values);
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FindUserField, string>>>({});
  const [summary, setSummary] = useState<ErrorItem[]>([]);
  const [searching, setSearching] = useState(false);
  const [fresh, setFresh] = useState(false);
  const [failures, setFailures] = useState(0);

  useEffect(() => {
    if (failures > 0) summaryRef.current?.focus();
  }, [failures]);

  const fail = (errors: Partial<Record<FindUserField, string>>, items: ErrorItem[]): void => {
    setFieldErrors(errors);
    setSummary(items);
    setFailures((n) => n + 1);
  };

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (searching) return;
    const check = checkFindUser(values);
    if (!check.ok) return fail(check.errors, check.summary);
    setFieldErrors({});
    setSummary([]);
    setSearching(true);
    client
      .invoke('cim.findUsers', check.request)
      .then((response) => {
        setFresh(true);
        onSaved({ values, response });
      })
      .catch((error: unknown) => fail({}, [{ text: toAgentCallError(error).message }]))
      .finally(() => setSearching(false));
  };

  const field = (key: FindUserField, label: string, hint?: string) => {
    const id = FIND_USER_FIELD_IDS[key];
    const error = fieldErrors[key];
    const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ');
    return (
      <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
        <label className="nhsuk-label" htmlFor={id}>
          {label}
        </label>
        {hint && (
          <div className="nhsuk-hint" id={`${id}-hint`}>
            {hint}
          </div>
        )}
        {error && <ErrorMessage id={`${id}-error`}>{error}</ErrorMessage>}
        <input
          className={`nhsuk-input${key === 'name' ? '' : ' nhsuk-input--width-20'}${error ? ' nhsuk-input--error' : ''}`}
          id={id}
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={values[key]}
          onChange={(event) => setValues({ ...values, [key]: event.currentTarget.value })}
          aria-describedby={describedBy || undefined}
        />
      </div>
    );
  };

  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.home)}>
        Back
      </a>
      <PageHeading>Find an existing user</PageHeading>
      <ErrorSummary ref={summaryRef} errors={summary} />
      <form noValidate onSubmit={submit}>
        {field('name', 'Name', 'Full name or part of it')}
        {field('niNumber', 'National Insurance number', 'For example, QQ 12 34 56 C')}
        {field('cardUuid', 'Smartcard UUID')}
        <div className="nhsuk-form-group">
          <div className="nhsuk-checkboxes">
            <div className="nhsuk-checkboxes__item">
              <input
                className="nhsuk-checkboxes__input"
                id="find-only-mine"
                type="checkbox"
                checked={values.onlyMyOrganisations}
                onChange={(event) => setValues({ ...values, onlyMyOrganisations: event.currentTarget.checked })}
              />
              <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor="find-only-mine">
                Only show users in my organisation and child organisations
              </label>
            </div>
          </div>
        </div>
        <div role="status" className="nhsuk-body">
          {searching ? 'Searching…' : ''}
        </div>
        <button className="nhsuk-button" type="submit" disabled={searching}>
          Search
        </button>
      </form>
      {saved.response && <FindUserResults response={saved.response} focusOnShow={fresh} />}
    </>
  );
}
