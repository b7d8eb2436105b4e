import type { ReactNode } from 'react';
import { grantFor, type Activity } from '../../src-shared/domain/roles.js';
import { useServiceQuery } from '../api/service-query.js';
import { PageHeading } from '../components/page-heading.js';
import { plural } from '../format/dates.js';
import { CIM_PATHS, hrefOf } from './cim-paths.js';
import { useCimSession } from './cim-session.js';

// Care Identity Management dashboard: the tasks the session's roles allow, one card each. The
// role matrix is read here only to hide what the user could not do; the service refuses anyway.

interface Task {
  readonly title: string;
  readonly href: string;
  readonly description: string;
  /** The activity the task needs; none: every signed-in user. */
  readonly activity?: Activity;
}

const TASKS: readonly Task[] = [
  { title: 'Find an existing user', href: CIM_PATHS.findUser, description: 'Search by name, National Insurance number or smartcard UUID, then view their profile.' },
  { title: 'Find an organisation', href: CIM_PATHS.findOrganisation, description: 'Search by name or ODS code, then see its place in the tree, its positions and child organisations.' },
  { title: 'View your profile', href: CIM_PATHS.myProfile, description: 'Your details, positions, smartcards and authenticators.' },
  { title: 'Create a new user', href: CIM_PATHS.createUser, description: 'Register a person whose identity you have checked.', activity: 'create-user' },
  { title: 'Manage positions', href: CIM_PATHS.managePositions, description: 'The positions of your organisations, their job roles and RA roles.', activity: 'view-positions' },
  { title: 'Workgroups', href: CIM_PATHS.workgroups, description: 'Create workgroups and choose who is in them.', activity: 'manage-workgroups' },
  { title: 'Batch position management', href: CIM_PATHS.batch, description: 'Assign or end positions for many users at once.', activity: 'batch-manage-assignments' },
  { title: 'Requests', href: CIM_PATHS.requests, description: 'Changes to details and profiles that wait for your approval.', activity: 'manage-requests' },
  { title: 'Apply for Care ID', href: CIM_PATHS.applyStart, description: 'Apply for a smartcard for a new member of staff and follow their applications.', activity: 'apply-for-care-id' },
  { title: 'Reports', href: CIM_PATHS.reports, description: 'Reports on the users, positions and smartcards of your organisations.', activity: 'view-reports' },
  { title: 'Check applications', href: CIM_PATHS.checkApplications, description: 'Check the identity of applicants for Care ID, then approve or reject.', activity: 'check-applications' },
  { title: 'Cards to issue', href: CIM_PATHS.cardsToIssue, description: 'Issue and post smartcards to the new users approved in Apply for Care ID.', activity: 'issue-smartcard' },
];

export function CimHome() {
  const session = useCimSession();
  const { position } = session;
  const allowed = (activity: Activity | undefined) => activity === undefined || grantFor(position.roles, activity) !== undefined;
  const manageRequests = allowed('manage-requests');
  return (
    <>
      <PageHeading>Care Identity Management Dashboard</PageHeading>
      <p className="nhsuk-body-l">
        Signed in as {session.user.name}, {position.title} at {position.organisation.name}.
      </p>
      <ul className="nhsuk-grid-row nhsuk-card-group">
        {TASKS.slice(0, 3).map((task) => (
          <TaskItem key={task.title} title={task.title} href={task.href}>
            {task.description}
          </TaskItem>
        ))}
        {manageRequests && (
          <TaskItem title="Position request list" href={CIM_PATHS.positionRequests}>
            <WaitingRequests />
          </TaskItem>
        )}
        {TASKS.slice(3)
          .filter((task) => allowed(task.activity))
          .map((task) => (
            <TaskItem key={task.title} title={task.title} href={task.href}>
              {task.description}
            </TaskItem>
          ))}
      </ul>
    </>
  );
}

/** How many position requests wait for a decision in the session's organisations. */
function WaitingRequests() {
  const query = useServiceQuery('positionRequests', { query: { status: 'pending' } });
  const count = query.data?.requests.length;
  return (
    <>
      Grant or reject requests for access positions.{' '}
      <strong>{count === undefined ? (query.isError ? 'The number waiting could not be loaded.' : 'Counting requests…') : `${plural(count, 'request')} waiting.`}</strong>
    </>
  );
}

function TaskItem({ href, title, children }: { href: string; title: string; children: ReactNode }) {
  return (
    <li className="nhsuk-grid-column-one-half nhsuk-card-group__item">
      <div className="nhsuk-card nhsuk-card--clickable">
        <div className="nhsuk-card__content">
          <h2 className="nhsuk-card__heading nhsuk-heading-m">
            <a className="nhsuk-card__link" href={hrefOf(href)}>
              {title}
            </a>
          </h2>
          <p className="nhsuk-card__description">{children}</p>
        </div>
      </div>
    </li>
  );
}
