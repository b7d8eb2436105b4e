import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { useServiceMutation, useServiceQuery } from '../../api/service-query.js';
import { ErrorMessage, ErrorSummary } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { plural } from '../../format/dates.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { useAssignmentDates } from './assignment-dates.js';
import { useWorkgroupId } from './workgroup-page.js';
import { describePeriod, useProblems, type Done, type Problem } from './workgroup-ui.js';

// "Assign to a user": find the user by name among the users of your organisation and its child
// organisations, choose them, give the dates, and assign.

const SEARCH = 'assign-user-name';
const CHOICE = 'assign-user-choice';

export function AssignWorkgroupPage() {
  const id = useWorkgroupId();
  const navigate = useNavigate();
  const workgroup = useServiceQuery('workgroup', { params: { id } });
  const [name, setName] = useState('');
  const [searched, setSearched] = useState('');
  const [chosen, setChosen] = useState<string | null>(null);
  const dates = useAssignmentDates({ startDate: null, endDate: null });
  const form = useProblems();
  const users = useServiceQuery('findUsers', { body: { name: searched, onlyMyOrganisations: true } }, { enabled: searched !== '' });
  const assign = useServiceMutation('assignWorkgroup');
  const back = hrefOf(CIM_PATHS.workgroup(id));
  const workgroupName = workgroup.data?.workgroup.name ?? 'the workgroup';

  const search = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (!name.trim()) return form.fail([{ field: SEARCH, message: "Enter the user's name" }]);
    form.clear();
    setChosen(null);
    setSearched(name.trim());
  };

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (assign.isPending) return;
    const found: Problem[] = [];
    if (chosen === null) found.push({ field: `${CHOICE}-0`, message: 'Choose the user to assign the workgroup to' });
    const read = dates.read();
    if (!read.ok) found.push(...read.problems);
    if (found.length > 0 || chosen === null || !read.ok) return form.fail(found);
    form.clear();
    const user = users.data?.results.find((u) => u.uuid === chosen);
    assign.mutate(
      { params: { id }, body: { userUuid: chosen, startDate: read.startDate, endDate: read.endDate } },
      {
        onSuccess: (made) =>
          void navigate(CIM_PATHS.workgroup(id), {
            state: { done: `${user?.name ?? made.user.name} was assigned ${workgroupName}: ${describePeriod(made.startDate, made.endDate)}` } satisfies Done,
          }),
        onError: (error) => form.fail([{ field: null, message: error.message }]),
      },
    );
  };

  const searchError = form.errorOf(SEARCH);
  const choiceError = form.errorOf(`${CHOICE}-0`);
  const results = users.data?.results ?? [];
  return (
    <>
      <a className="nhsuk-back-link" href={back}>
        Back
      </a>
      <PageHeading caption={workgroupName}>Assign to a user</PageHeading>
      <ErrorSummary ref={form.summaryRef} errors={form.summary} />
      <form noValidate onSubmit={search}>
        <div className={`nhsuk-form-group${searchError ? ' nhsuk-form-group--error' : ''}`}>
          <label className="nhsuk-label" htmlFor={SEARCH}>
            Find the user by name
          </label>
          <div className="nhsuk-hint" id={`${SEARCH}-hint`}>
            Users in your organisation and its child organisations. Family name, or given and family name.
          </div>
          {searchError && <ErrorMessage id={`${SEARCH}-error`}>{searchError}</ErrorMessage>}
          <input
            className={`nhsuk-input nhsuk-input--width-20${searchError ? ' nhsuk-input--error' : ''}`}
            id={SEARCH}
            name="name"
            type="text"
            autoComplete="off"
            spellCheck={false}
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-describedby={`${SEARCH}-hint${searchError ? ` ${SEARCH}-error` : ''}`}
          />
        </div>
        <button className="nhsuk-button nhsuk-button--secondary" type="submit">
          Search
        </button>
      </form>
      <div role="status" className="nhsuk-body">
        {users.isFetching ? 'Searching…' : searched && users.data ? (results.length === 0 ? 'No users found' : `${plural(results.length, 'user')} found`) : ''}
      </div>
      {users.isError && <ErrorSummary errors={[{ text: users.error.message }]} />}
      {results.length > 0 && (
        <form noValidate onSubmit={submit}>
          <div className={`nhsuk-form-group${choiceError ? ' nhsuk-form-group--error' : ''}`}>
            <fieldset className="nhsuk-fieldset" aria-describedby={choiceError ? `${CHOICE}-error` : undefined}>
              <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">User</legend>
              {choiceError && <ErrorMessage id={`${CHOICE}-error`}>{choiceError}</ErrorMessage>}
              <div className="nhsuk-radios">
                {results.map((user, i) => (
                  <div className="nhsuk-radios__item" key={user.uuid}>
                    <input
                      className="nhsuk-radios__input"
                      id={`${CHOICE}-${i}`}
                      name="user"
                      type="radio"
                      value={user.uuid}
                      checked={chosen === user.uuid}
                      onChange={() => setChosen(user.uuid)}
                    />
                    <label className="nhsuk-label nhsuk-radios__label" htmlFor={`${CHOICE}-${i}`}>
                      {user.name}
                      {user.organisation ? `, ${user.organisation.name}` : ''}
                    </label>
                  </div>
                ))}
              </div>
            </fieldset>
          </div>
          {dates.fields(form.errorOf)}
          <div className="nhsuk-button-group">
            <button className="nhsuk-button" type="submit" disabled={assign.isPending}>
              Assign workgroup
            </button>
            <a className="nhsuk-link" href={back}>
              Cancel
            </a>
          </div>
        </form>
      )}
    </>
  );
}
