import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router';
import type { z } from 'zod';
import type { OrganisationPositions, PositionDetail } from '../../../src-shared/api/cim-positions.js';
import { grantFor, ROLE_NAMES, RoleCode } from '../../../src-shared/domain/roles.js';
import { useServiceMutation, useServiceQuery } from '../../api/service-query.js';
import { ErrorMessage, ErrorSummary } from '../../components/error-summary.js';
import { LiveStatus } from '../../components/live-status.js';
import { PageHeading } from '../../components/page-heading.js';
import { SummaryList } from '../../components/summary-list.js';
import { plural } from '../../format/dates.js';
import { describeRoles } from '../../format/roles.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { useCimSession } from '../cim-session.js';
import { SuccessBanner } from './success-banner.js';

// Manage access: positions. Choose an organisation in your scope, find its positions (open and
// closed, with a Filter box), and (RAM, RAA(A)) create, copy, edit, choose the assignable ones,
// or close one after a warning naming how many assignments that ends. The task is in the
// address (?action=create|edit|copy|close&id=N), so Back returns to the list.

type Listing = z.infer<typeof OrganisationPositions>;
type Action = 'create' | 'edit' | 'copy' | 'close';

const ACTIONS: readonly Action[] = ['create', 'edit', 'copy', 'close'];

export function ManagePositionsPage() {
  const session = useCimSession();
  const canManage = grantFor(session.position.roles, 'manage-positions') !== undefined;
  const [params, setParams] = useSearchParams();
  const [organisation, setOrganisation] = useState<string | undefined>(undefined);
  const [done, setDone] = useState<string | null>(null);
  const list = useServiceQuery('organisationPositions', { query: { status: 'all', ...(organisation ? { organisation } : {}) } });
  const action = ACTIONS.find((a) => a === params.get('action'));
  const position = list.data?.positions.find((p) => p.id === Number(params.get('id')));
  const finish = (message: string): void => {
    setDone(message);
    setParams({});
  };

  if (list.data && canManage && action === 'create') return <PositionForm listing={list.data} onDone={finish} />;
  if (list.data && canManage && action === 'edit' && position) return <PositionForm listing={list.data} position={position} onDone={finish} />;
  if (list.data && canManage && action === 'copy' && position) return <CopyForm position={position} onDone={finish} />;
  if (list.data && canManage && action === 'close' && position) return <CloseConfirm position={position} onDone={finish} />;

  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.home)}>
        Back
      </a>
      <PageHeading>Manage positions</PageHeading>
      {done && <SuccessBanner heading={done} />}
      <div role="status" className="nhsuk-body">
        {list.isPending ? 'Loading the positions…' : ''}
      </div>
      {list.isError && <ErrorSummary errors={[{ text: list.error.message }]} />}
      {list.data && (
        <PositionList
          listing={list.data}
          canManage={canManage}
          onOrganisation={(code) => {
            setDone(null);
            setOrganisation(code);
          }}
          onDone={setDone}
        />
      )}
    </>
  );
}

const taskHref = (action: Action, id?: number): string => `${hrefOf(CIM_PATHS.managePositions)}?action=${action}${id === undefined ? '' : `&id=${id}`}`;

function PositionList({ listing, canManage, onOrganisation, onDone }: { listing: Listing; canManage: boolean; onOrganisation: (code: string) => void; onDone: (message: string) => void }) {
  const [filter, setFilter] = useState('');
  const [assignable, setAssignable] = useState<Readonly<Record<number, boolean>>>({});
  const save = useServiceMutation('changeAssignable');
  const words = filter.trim().toLowerCase();
  const shown = listing.positions.filter((p) => !words || `${p.title} ${p.jobRole}`.toLowerCase().includes(words));
  const changes = listing.positions.filter((p) => !p.closed && assignable[p.id] !== undefined && assignable[p.id] !== p.assignable).map((p) => ({ id: p.id, assignable: assignable[p.id] ?? p.assignable }));
  return (
    <>
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="organisation">
          Organisation
        </label>
        <select className="nhsuk-select" id="organisation" value={listing.organisation.code} onChange={(e) => onOrganisation(e.target.value)}>
          {listing.organisations.map((o) => (
            <option key={o.code} value={o.code}>
              {o.name} ({o.code})
            </option>
          ))}
        </select>
      </div>
      {canManage && (
        <a className="nhsuk-button nhsuk-button--secondary" href={taskHref('create')}>
          Create a position
        </a>
      )}
      <div className="nhsuk-form-group">
        <label className="nhsuk-label" htmlFor="position-filter">
          Filter
        </label>
        <input className="nhsuk-input nhsuk-input--width-20" id="position-filter" type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </div>
      <LiveStatus className="nhsuk-body" message={`${plural(shown.length, 'position')} shown`} />
      {save.isError && <ErrorSummary errors={[{ text: save.error.message }]} />}
      <table className="nhsuk-table">
        <caption className="nhsuk-table__caption">{`Positions at ${listing.organisation.name}`}</caption>
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            {['Position', 'Roles', 'Assignable by sponsors', 'Status', ...(canManage ? ['Actions'] : [])].map((c) => (
              <th className="nhsuk-table__header" scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {shown.map((p) => (
            <tr className="nhsuk-table__row" key={p.id}>
              <td className="nhsuk-table__cell">
                {p.title}
                <br />
                <span className="nhsuk-body-s">{p.jobRole}</span>
              </td>
              <td className="nhsuk-table__cell">{describeRoles(p.roles)}</td>
              <td className="nhsuk-table__cell">
                {canManage && !p.closed ? (
                  <div className="nhsuk-checkboxes nhsuk-checkboxes--small">
                    <div className="nhsuk-checkboxes__item">
                      <input
                        className="nhsuk-checkboxes__input"
                        id={`assignable-${p.id}`}
                        type="checkbox"
                        checked={assignable[p.id] ?? p.assignable}
                        onChange={(e) => setAssignable((a) => ({ ...a, [p.id]: e.target.checked }))}
                      />
                      <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={`assignable-${p.id}`}>
                        <span className="nhsuk-u-visually-hidden">{`${p.title} `}</span>assignable
                      </label>
                    </div>
                  </div>
                ) : p.assignable ? (
                  'Yes'
                ) : (
                  'No'
                )}
              </td>
              <td className="nhsuk-table__cell">
                {p.closed ? 'Closed' : 'Open'}
                <br />
                <span className="nhsuk-body-s">{p.currentHolders === 1 ? 'Held by 1 person' : `Held by ${p.currentHolders} people`}</span>
              </td>
              {canManage && (
                <td className="nhsuk-table__cell">
                  {!p.closed && (
                    <>
                      <a href={taskHref('edit', p.id)}>
                        Edit<span className="nhsuk-u-visually-hidden">{` ${p.title}`}</span>
                      </a>{' '}
                    </>
                  )}
                  <a href={taskHref('copy', p.id)}>
                    Copy<span className="nhsuk-u-visually-hidden">{` ${p.title}`}</span>
                  </a>{' '}
                  {!p.closed && (
                    <a href={taskHref('close', p.id)}>
                      Close<span className="nhsuk-u-visually-hidden">{` ${p.title}`}</span>
                    </a>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {canManage && (
        <button
          className="nhsuk-button"
          type="button"
          disabled={changes.length === 0 || save.isPending}
          onClick={() =>
            save.mutate(
              { body: { changes } },
              {
                onSuccess: () => {
                  setAssignable({});
                  onDone(`Assignable positions saved (${plural(changes.length, 'change')})`);
                },
              },
            )
          }
        >
          Save assignable positions
        </button>
      )}
    </>
  );
}

/** Puts focus on the error summary after each failed submission. */
function useProblems() {
  const [problems, setProblems] = useState<readonly { field: string | null; message: string }[]>([]);
  const [failures, setFailures] = useState(0);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (failures > 0) ref.current?.focus();
  }, [failures]);
  const fail = (found: readonly { field: string | null; message: string }[]): void => {
    setProblems(found);
    setFailures((n) => n + 1);
  };
  const errorOf = (field: string): string | null => problems.find((p) => p.field === field)?.message ?? null;
  const summary = <ErrorSummary ref={ref} errors={problems.map((p) => ({ text: p.message, ...(p.field ? { href: `#${p.field}` } : {}) }))} />;
  return { fail, errorOf, summary };
}

function TextField({ id, label, value, error, onChange }: { id: string; label: string; value: string; error: string | null; onChange: (v: string) => void }) {
  return (
    <div className={`nhsuk-form-group${error ? ' nhsuk-form-group--error' : ''}`}>
      <label className="nhsuk-label" htmlFor={id}>
        {label}
      </label>
      {error && <ErrorMessage id={`${id}-error`}>{error}</ErrorMessage>}
      <input className={`nhsuk-input${error ? ' nhsuk-input--error' : ''}`} id={id} type="text" value={value} aria-describedby={error ? `${id}-error` : undefined} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

function Checkboxes<T extends string | number>({ legend, options, chosen, onChange }: { legend: string; options: readonly { value: T; label: string }[]; chosen: readonly T[]; onChange: (v: T[]) => void }) {
  return (
    <div className="nhsuk-form-group">
      <fieldset className="nhsuk-fieldset">
        <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">{legend}</legend>
        {options.length === 0 && <p>None to choose from.</p>}
        <div className="nhsuk-checkboxes">
          {options.map((o) => (
            <div className="nhsuk-checkboxes__item" key={String(o.value)}>
              <input
                className="nhsuk-checkboxes__input"
                id={`${legend}-${o.value}`.replace(/\W/g, '-')}
                type="checkbox"
                checked={chosen.includes(o.value)}
                onChange={(e) => onChange(e.target.checked ? [...chosen, o.value] : chosen.filter((v) => v !== o.value))}
              />
              <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={`${legend}-${o.value}`.replace(/\W/g, '-')}>
                {o.label}
              </label>
            </div>
          ))}
        </div>
      </fieldset>
    </div>
  );
}

function PositionForm({ listing, position, onDone }: { listing: Listing; position?: z.infer<typeof PositionDetail>; onDone: (message: string) => void }) {
  const [title, setTitle] = useState(position?.title ?? '');
  const [jobRole, setJobRole] = useState(position?.jobRole ?? '');
  const [roles, setRoles] = useState<RoleCode[]>(position?.roles ?? []);
  const [assignable, setAssignable] = useState<boolean>(position?.assignable ?? false);
  const [workgroupIds, setWorkgroupIds] = useState<number[]>(position?.workgroups.map((w) => w.id) ?? []);
  const create = useServiceMutation('createPosition');
  const edit = useServiceMutation('editPosition');
  const { fail, errorOf, summary } = useProblems();
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const found = [
      ...(title.trim() ? [] : [{ field: 'title', message: 'Enter a title for the position' }]),
      ...(jobRole.trim() ? [] : [{ field: 'job-role', message: 'Enter the job role' }]),
    ];
    if (found.length > 0) return fail(found);
    const fields = { title: title.trim(), jobRole: jobRole.trim(), roles, assignable, workgroupIds };
    const handlers = { onError: (error: Error) => fail([{ field: null, message: error.message }]) };
    if (position) edit.mutate({ params: { id: position.id }, body: fields }, { ...handlers, onSuccess: () => onDone(`Position changed: ${fields.title}`) });
    else create.mutate({ body: { organisation: listing.organisation.code, ...fields } }, { ...handlers, onSuccess: () => onDone(`Position created: ${fields.title}`) });
  };
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.managePositions)}>
        Back
      </a>
      <PageHeading caption={listing.organisation.name}>{position ? `Edit ${position.title}` : 'Create a position'}</PageHeading>
      {summary}
      <form noValidate onSubmit={submit}>
        <TextField id="title" label="Title" value={title} error={errorOf('title')} onChange={setTitle} />
        <TextField id="job-role" label="Job role" value={jobRole} error={errorOf('job-role')} onChange={setJobRole} />
        <Checkboxes legend="Registration authority roles it carries" options={RoleCode.options.map((r) => ({ value: r, label: ROLE_NAMES[r] }))} chosen={roles} onChange={setRoles} />
        <div className="nhsuk-form-group">
          <fieldset className="nhsuk-fieldset">
            <legend className="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">Can sponsors assign it directly?</legend>
            <div className="nhsuk-radios nhsuk-radios--inline">
              {[true, false].map((yes) => (
                <div className="nhsuk-radios__item" key={String(yes)}>
                  <input className="nhsuk-radios__input" id={`assignable-${yes ? 'yes' : 'no'}`} name="assignable" type="radio" checked={assignable === yes} onChange={() => setAssignable(yes)} />
                  <label className="nhsuk-label nhsuk-radios__label" htmlFor={`assignable-${yes ? 'yes' : 'no'}`}>
                    {yes ? 'Yes' : 'No'}
                  </label>
                </div>
              ))}
            </div>
          </fieldset>
        </div>
        <Checkboxes legend="Workgroups it carries" options={listing.workgroups.map((w) => ({ value: w.id, label: w.name }))} chosen={workgroupIds} onChange={setWorkgroupIds} />
        <button className="nhsuk-button" type="submit" disabled={create.isPending || edit.isPending}>
          {position ? 'Save changes' : 'Create position'}
        </button>
      </form>
    </>
  );
}

function CopyForm({ position, onDone }: { position: z.infer<typeof PositionDetail>; onDone: (message: string) => void }) {
  const [title, setTitle] = useState('');
  const copy = useServiceMutation('copyPosition');
  const { fail, errorOf, summary } = useProblems();
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (!title.trim()) return fail([{ field: 'title', message: 'Enter a title for the new position' }]);
    copy.mutate(
      { params: { id: position.id }, body: { title: title.trim() } },
      { onSuccess: () => onDone(`Position copied: ${title.trim()}`), onError: (error) => fail([{ field: null, message: error.message }]) },
    );
  };
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.managePositions)}>
        Back
      </a>
      <PageHeading caption={position.organisation.name}>{`Copy ${position.title}`}</PageHeading>
      {summary}
      <p>The new position has the same job role, roles and workgroups as this one.</p>
      <SummaryList
        rows={[
          { key: 'Job role', value: position.jobRole },
          { key: 'Roles', value: describeRoles(position.roles) },
          { key: 'Workgroups', value: position.workgroups.map((w) => w.name).join(', ') || 'None' },
          { key: 'Assignable by sponsors', value: position.assignable ? 'Yes' : 'No' },
        ]}
      />
      <form noValidate onSubmit={submit}>
        <TextField id="title" label="Title of the new position" value={title} error={errorOf('title')} onChange={setTitle} />
        <button className="nhsuk-button" type="submit" disabled={copy.isPending}>
          Copy position
        </button>
      </form>
    </>
  );
}

function CloseConfirm({ position, onDone }: { position: z.infer<typeof PositionDetail>; onDone: (message: string) => void }) {
  const close = useServiceMutation('closePosition');
  const n = position.currentHolders;
  const holders = n === 0 ? 'Nobody holds this position.' : `${n === 1 ? '1 person holds' : `${n} people hold`} this position. Closing it ends their assignments today.`;
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.managePositions)}>
        Back
      </a>
      <PageHeading caption={position.organisation.name}>{`Close ${position.title}`}</PageHeading>
      {close.isError && <ErrorSummary errors={[{ text: close.error.message }]} />}
      <div className="nhsuk-warning-callout">
        <h2 className="nhsuk-warning-callout__label">
          <span className="nhsuk-u-visually-hidden">Important: </span>
          Warning
        </h2>
        <p>{holders}</p>
        <p>Requests waiting for it are rejected with the reason “The position was closed”. A closed position cannot be reopened.</p>
      </div>
      <div className="nhsuk-button-group">
        <button
          className="nhsuk-button nhsuk-button--warning"
          type="button"
          disabled={close.isPending}
          onClick={() => close.mutate({ params: { id: position.id } }, { onSuccess: (r) => onDone(`Position closed: ${position.title}. ${plural(r.endedAssignments, 'assignment')} ended.`) })}
        >
          Close position
        </button>
        <a className="nhsuk-link" href={hrefOf(CIM_PATHS.managePositions)}>
          Cancel
        </a>
      </div>
    </>
  );
}
