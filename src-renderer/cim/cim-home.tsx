import { grantFor } from '../../src-shared/domain/roles.js';
import { PageHeading } from '../components/page-heading.js';
import { CIM_PATHS, hrefOf } from './cim-paths.js';
import { useCimSession } from './cim-session.js';

/** Care Identity Management dashboard: the tasks open to every signed-in user. */
export function CimHome() {
  const session = useCimSession();
  const { position } = session;
  return (
    <>
      <PageHeading>Care Identity Management</PageHeading>
      <p className="nhsuk-body-l">
        Signed in as {session.user.name}, {position.title} at {position.organisation.name}.
      </p>
      <ul className="nhsuk-grid-row nhsuk-card-group">
        <li className="nhsuk-grid-column-one-half nhsuk-card-group__item">
          <TaskCard href={hrefOf(CIM_PATHS.findUser)} title="Find an existing user">
            Search by name, National Insurance number or smartcard UUID, then view their profile.
          </TaskCard>
        </li>
        <li className="nhsuk-grid-column-one-half nhsuk-card-group__item">
          <TaskCard href={hrefOf(CIM_PATHS.myProfile)} title="View your profile">
            Your details, positions, smartcards and authenticators.
          </TaskCard>
        </li>
        {grantFor(position.roles, 'view-reports') && (
          <li className="nhsuk-grid-column-one-half nhsuk-card-group__item">
            <TaskCard href={hrefOf(CIM_PATHS.reports)} title="Reports">
              Who works where, smartcards expiring or locked, unlocks and renewals, requests and profiles, and export them as CSV.
            </TaskCard>
          </li>
        )}
      </ul>
    </>
  );
}

function TaskCard({ href, title, children }: { href: string; title: string; children: string }) {
  return (
    <div className="nhsuk-card nhsuk-card--clickable">
      <div className="nhsuk-card__content">
        <h2 className="nhsuk-card__heading nhsuk-heading-m">
          <a className="nhsuk-card__link" href={href}>
            {title}
          </a>
        </h2>
        <p className="nhsuk-card__description">{children}</p>
      </div>
    </div>
  );
}
