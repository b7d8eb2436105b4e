import { useState, type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import type { Workgroup } from '../../../src-shared/api/cim-workgroups.js';
import { useServiceQuery } from '../../api/service-query.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { PageHeading } from '../../components/page-heading.js';
import { plural } from '../../format/dates.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { useCimSession } from '../cim-session.js';
import { SuccessBanner } from './workgroup-ui.js';

// "Manage workgroups": the workgroups of an organisation in the session's subtree (its own
// unless another code is given), open ones or closed ones too, with "Create a workgroup". The
// choice lives in the address, so Back and reload show the same list.

export function WorkgroupListPage() {
  const session = useCimSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const organisationCode = params.get('organisation') ?? session.position.organisation.code;
  const includeClosed = params.get('closed') === 'yes';
  const nameFilter = params.get('name') ?? '';
  const [code, setCode] = useState(organisationCode);
  const [closed, setClosed] = useState(includeClosed);
  const [name, setName] = useState(nameFilter);
  const list = useServiceQuery('listWorkgroups', {
    query: { organisationCode, includeClosed: includeClosed ? 'true' : 'false', ...(nameFilter.trim() ? { name: nameFilter.trim() } : {}) },
  });

  const show = (event: FormEvent<HTMLFormElement>): void => {
    event.preventDefault();
    const next = new URLSearchParams({
      organisation: code.trim().toUpperCase() || session.position.organisation.code,
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(closed ? { closed: 'yes' } : {}),
    });
    void navigate(`${CIM_PATHS.workgroups}?${next.toString()}`);
  };

  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.home)}>
        Back
      </a>
      <SuccessBanner />
      <PageHeading>Manage workgroups</PageHeading>
      <p>Workgroups of an organisation in your organisation and its child organisations.</p>
      <a className="nhsuk-button" href={hrefOf(`${CIM_PATHS.createWorkgroup}?organisation=${encodeURIComponent(organisationCode)}`)} role="button" draggable="false">
        Create a workgroup
      </a>
      <form noValidate onSubmit={show}>
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="workgroups-organisation">
            Organisation code
          </label>
          <div className="nhsuk-hint" id="workgroups-organisation-hint">
            For example, {session.position.organisation.code} ({session.position.organisation.name})
          </div>
          <input
            className="nhsuk-input nhsuk-input--width-10"
            id="workgroups-organisation"
            name="organisation"
            type="text"
            spellCheck={false}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            aria-describedby="workgroups-organisation-hint"
          />
        </div>
        <div className="nhsuk-form-group">
          <label className="nhsuk-label" htmlFor="workgroups-name">
            Workgroup name (optional)
          </label>
          <div className="nhsuk-hint" id="workgroups-name-hint">
            All or part of the name
          </div>
          <input
            className="nhsuk-input nhsuk-input--width-20"
            id="workgroups-name"
            name="name"
            type="text"
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-describedby="workgroups-name-hint"
          />
        </div>
        <div className="nhsuk-form-group">
          <div className="nhsuk-checkboxes">
            <div className="nhsuk-checkboxes__item">
              <input className="nhsuk-checkboxes__input" id="workgroups-closed" name="closed" type="checkbox" checked={closed} onChange={(e) => setClosed(e.target.checked)} />
              <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor="workgroups-closed">
                Include closed workgroups
              </label>
            </div>
          </div>
        </div>
        <button className="nhsuk-button nhsuk-button--secondary" type="submit">
          Show workgroups
        </button>
      </form>
      <div role="status" className="nhsuk-body">
        {list.isPending ? 'Loading workgroups…' : ''}
      </div>
      {list.isError && <ErrorSummary errors={[{ text: list.error.message }]} />}
      {list.data && <WorkgroupTable organisationName={list.data.organisation.name} workgroups={list.data.workgroups} />}
    </>
  );
}

function WorkgroupTable({ organisationName, workgroups }: { organisationName: string; workgroups: readonly Workgroup[] }) {
  if (workgroups.length === 0) {
    return (
      <>
        <h2 className="nhsuk-heading-m">{organisationName}</h2>
        <p>There are no workgroups here yet.</p>
      </>
    );
  }
  return (
    <table className="nhsuk-table">
      <caption className="nhsuk-table__caption">
        {organisationName}: {plural(workgroups.length, 'workgroup')}
      </caption>
      <thead className="nhsuk-table__head">
        <tr className="nhsuk-table__row">
          <th className="nhsuk-table__header" scope="col">
            Name
          </th>
          <th className="nhsuk-table__header" scope="col">
            Description
          </th>
          <th className="nhsuk-table__header" scope="col">
            Members
          </th>
          <th className="nhsuk-table__header" scope="col">
            Status
          </th>
        </tr>
      </thead>
      <tbody className="nhsuk-table__body">
        {workgroups.map((w) => (
          <tr className="nhsuk-table__row" key={w.id}>
            <td className="nhsuk-table__cell">
              <a href={hrefOf(CIM_PATHS.workgroup(w.id))}>{w.name}</a>
            </td>
            <td className="nhsuk-table__cell">{w.description}</td>
            <td className="nhsuk-table__cell">{w.liveAssignments}</td>
            <td className="nhsuk-table__cell">{w.status === 'open' ? 'Open' : 'Closed'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
