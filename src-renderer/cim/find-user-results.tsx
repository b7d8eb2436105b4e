import { useEffect, useRef } from 'react';
import type { AgentResult } from '../../src-shared/api/agent-api.js';
import { InsetText } from '../components/callouts.js';
import { plural } from '../format/dates.js';
import { CIM_PATHS, hrefOf } from './cim-paths.js';

export type FindUsersResult = AgentResult<'cim.findUsers'>;

/** The results table; takes focus when a new search lands so the count is read out first. */
export function FindUserResults({ response, focusOnShow }: { response: FindUsersResult; focusOnShow: boolean }) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focusOnShow) headingRef.current?.focus();
  }, [response, focusOnShow]);

  const count = response.results.length;
  return (
    <section aria-labelledby="find-user-results-heading">
      <h2 className="nhsuk-heading-m" id="find-user-results-heading" tabIndex={-1} ref={headingRef}>
        {count === 0 ? 'No users found' : `${plural(count, 'user')} found`}
      </h2>
      {count === 0 && <p>Check the spelling, or search by National Insurance number or smartcard UUID instead.</p>}
      {response.truncated && (
        <InsetText>
          <p>Only the first {plural(count, 'result')} are shown. Add more detail to narrow your search.</p>
        </InsetText>
      )}
      {count > 0 && (
        <table className="nhsuk-table">
          <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">Users matching your search</caption>
          <thead className="nhsuk-table__head">
            <tr className="nhsuk-table__row">
              <th className="nhsuk-table__header" scope="col">
                Name
              </th>
              <th className="nhsuk-table__header" scope="col">
                Organisation
              </th>
              <th className="nhsuk-table__header" scope="col">
                Status
              </th>
              <th className="nhsuk-table__header" scope="col">
                <span className="nhsuk-u-visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody className="nhsuk-table__body">
            {response.results.map((user) => (
              <tr className="nhsuk-table__row" key={user.uuid}>
                <td className="nhsuk-table__cell">{user.name}</td>
                <td className="nhsuk-table__cell">{user.organisation ? user.organisation.name : 'None'}</td>
                <td className="nhsuk-table__cell">
                  <strong className={`nhsuk-tag ${user.status === 'open' ? 'nhsuk-tag--green' : 'nhsuk-tag--grey'}`}>
                    {user.status === 'open' ? 'Open' : 'Closed'}
                  </strong>
                </td>
                <td className="nhsuk-table__cell">
                  <a href={hrefOf(CIM_PATHS.userProfile(user.uuid))}>
                    View profile<span className="nhsuk-u-visually-hidden"> of {user.name}</span>
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
