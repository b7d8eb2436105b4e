import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useLocation } from 'react-router';
import { grantFor } from '../../../src-shared/domain/roles.js';
import { PageHeading } from '../../components/page-heading.js';
import { formatDate } from '../../format/dates.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { useCimSession } from '../cim-session.js';

// What the workgroup pages share: the role check that decides whether they are offered, the
// success banner a change leaves on the page it returns to, and the problems a form shows.

/** Whether the session's position may manage workgroups (the service checks again on every call). */
function useMayManageWorkgroups(): boolean {
  return grantFor(useCimSession().position.roles, 'manage-workgroups') !== undefined;
}

/** The page for a role that may not manage workgroups, reached by a link or an old address. */
function WorkgroupsNotAllowed() {
  return (
    <>
      <a className="nhsuk-back-link" href={hrefOf(CIM_PATHS.home)}>
        Back
      </a>
      <PageHeading>You are not allowed to manage workgroups</PageHeading>
      <p>Only a Registration Authority Manager or a Registration Authority Agent (Advanced) can create, assign and close workgroups.</p>
      <p>
        <a href={hrefOf(CIM_PATHS.home)}>Go to Care Identity Management</a>
      </p>
    </>
  );
}

/** Shows `children` only to a role that may manage workgroups. */
export function WorkgroupsOnly({ children }: { children: ReactNode }) {
  return useMayManageWorkgroups() ? children : <WorkgroupsNotAllowed />;
}

/** What a change tells the page it returns to (router state, so a reload does not repeat it). */
export interface Done {
  readonly done: string;
}

export function SuccessBanner() {
  const state = useLocation().state as Partial<Done> | null;
  if (!state?.done) return null;
  return (
    <div className="nhsuk-notification-banner nhsuk-notification-banner--success" role="alert" aria-labelledby="workgroup-success-title">
      <div className="nhsuk-notification-banner__header">
        <h2 className="nhsuk-notification-banner__title" id="workgroup-success-title">
          Success
        </h2>
      </div>
      <div className="nhsuk-notification-banner__content">
        <p className="nhsuk-notification-banner__heading">{state.done}</p>
      </div>
    </div>
  );
}

export interface Problem {
  /** The id of the field to fix; null for a problem no field can fix. */
  readonly field: string | null;
  readonly message: string;
}

/** A form's problems, with the error summary taking focus each time a submission fails. */
export function useProblems() {
  const summaryRef = useRef<HTMLDivElement>(null);
  const [problems, setProblems] = useState<readonly Problem[]>([]);
  const [failures, setFailures] = useState(0);
  useEffect(() => {
    if (failures > 0) summaryRef.current?.focus();
  }, [failures]);
  return {
    summaryRef,
    problems,
    summary: problems.map((p) => (p.field ? { text: p.message, href: `#${p.field}` } : { text: p.message })),
    errorOf: (field: string): string | null => problems.find((p) => p.field === field)?.message ?? null,
    fail: (found: readonly Problem[]) => {
      setProblems(found);
      setFailures((n) => n + 1);
    },
    clear: () => setProblems([]),
  };
}

/** "15 June 2025 to 31 December 2025", "From 15 June 2025". */
export function describePeriod(startDate: string, endDate: string | null): string {
  return endDate === null ? `From ${formatDate(startDate)}` : `${formatDate(startDate)} to ${formatDate(endDate)}`;
}

/** Where a page reached from elsewhere goes back to: a CIM address in `?return=`, else `fallback`. */
export function useReturnPath(fallback: string): string {
  const { search } = useLocation();
  const wanted = new URLSearchParams(search).get('return');
  return wanted !== null && wanted.startsWith('/cim/') ? wanted : fallback;
}

export const withReturn = (path: string, returnTo: string): string => `${path}?return=${encodeURIComponent(returnTo)}`;
