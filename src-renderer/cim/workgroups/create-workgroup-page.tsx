import { useState, type FormEvent, type ReactNode } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { WORKGROUP_DESCRIPTION_MAX, WORKGROUP_NAME_MAX } from '../../../src-shared/api/cim-workgroups.js';
import { useServiceMutation } from '../../api/service-query.js';
import { ErrorMessage, ErrorSummary } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { useCimSession } from '../cim-session.js';
import { useProblems, type Done, type Problem } from './workgroup-ui.js';

// "Create a workgroup": its organisation (the list's, or the session's own), a name no other open
// workgroup there has, and what it is for. The service checks the name and the organisation's scope.

const ORGANISATION = 'workgroup-organisation';
const NAME = 'workgroup-name';
const DESCRIPTION = 'workgroup-description';

export function CreateWorkgroupPage() {
  const session = useCimSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const [organisationCode, setOrganisationCode] = useState(params.get('organisation') ?? session.position.organisation.code);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const form = useProblems();
  const create = useServiceMutation('createWorkgroup');

  const submit = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (create.isPending) return;
    const found: Problem[] = [];
    if (!organisationCode.trim()) found.push({ field: ORGANISATION, message: 'Enter the organisation code' });
    if (!name.trim()) found.push({ field: NAME, message: 'Enter a name for the workgroup' });
    else if (name.trim().length > WORKGROUP_NAME_MAX) found.push({ field: NAME, message: `Name must be ${WORKGROUP_NAME_MAX} characters or fewer` });
    if (!description.trim()) found.push({ field: DESCRIPTION, message: 'Enter a description of the workgroup' });
    else if (description.trim().length > WORKGROUP_DESCRIPTION_MAX) found.push({ field: DESCRIPTION, message: `Description must be ${WORKGROUP_DESCRIPTION_MAX} characters or fewer` });
    if (found.length > 0) return form.fail(found);
    form.clear();
    create.mutate(
      { body: { organisationCode: organisationCode.trim(), name: name.trim(), description: description.trim() } },
      {
        onSuccess: (created) => void navigate(CIM_PATHS.workgroup(created.id), { state: { done: `${created.name} was created at ${created.organisation.name}` } satisfies Done }),
        onError: (error) => form.fail([{ field: null, message: error.message }]),
      },
    );
  };

  const field = (id: string, label: string, hint: string | null, input: (describedBy: string | undefined, error: string | null) => ReactNode) => {
    const error = form.errorOf(id);
    const describedBy = [...(hint ? [`${id}-hint`] : []), ...(error ? [`${id}-error`] : [])].join(' ') || undefined;
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
        {input(describedBy, error)}
      </div>
    );
  };

  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.workgroups)}>
        Back
      </a>
      <PageHeading caption="Manage workgroups">Create a workgroup</PageHeading>
      <ErrorSummary ref={form.summaryRef} errors={form.summary} />
      <form noValidate onSubmit={submit}>
        {field(ORGANISATION, 'Organisation code', 'Your organisation or one of its child organisations', (describedBy, error) => (
          <input
            className={`nhsuk-input nhsuk-input--width-10${error ? ' nhsuk-input--error' : ''}`}
            id={ORGANISATION}
            name="organisationCode"
            type="text"
            spellCheck={false}
            value={organisationCode}
            onChange={(e) => setOrganisationCode(e.target.value)}
            aria-describedby={describedBy}
          />
        ))}
        {field(NAME, 'Name', 'No other open workgroup at the organisation may have this name', (describedBy, error) => (
          <input
            className={`nhsuk-input${error ? ' nhsuk-input--error' : ''}`}
            id={NAME}
            name="name"
            type="text"
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-describedby={describedBy}
          />
        ))}
        {field(DESCRIPTION, 'Description', 'What the workgroup is for and who belongs in it', (describedBy, error) => (
          <textarea
            className={`nhsuk-textarea${error ? ' nhsuk-textarea--error' : ''}`}
            id={DESCRIPTION}
            name="description"
            rows={3}
            value={description}
            onChange={(e) => setDescription(e.target.value)}
            aria-describedby={describedBy}
          />
        ))}
        <div className="nhsuk-button-group">
          <button className="nhsuk-button" type="submit" disabled={create.isPending}>
            Create workgroup
          </button>
          <a className="nhsuk-link" href={hrefOf(CIM_PATHS.workgroups)}>
            Cancel
          </a>
        </div>
      </form>
    </>
  );
}
