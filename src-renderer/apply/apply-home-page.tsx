import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { DASHBOARD_TAB_NAMES, DashboardTab, type ApplicationSummary } from '../../src-shared/api/apply.js';
import type { z } from 'zod';
import { useServiceMutation, useServiceQuery } from '../api/service-query.js';
import { ErrorSummary } from '../components/error-summary.js';
import { LiveStatus } from '../components/live-status.js';
import { PageHeading } from '../components/page-heading.js';
import { formatDate, plural } from '../format/dates.js';
import { CIM_PATHS, hrefOf } from '../cim/cim-paths.js';
import { SuccessBanner } from '../cim/users/user-form-fields.js';
import { ReportPagination } from '../cim/reports/report-table.js';
import { ApplicantCells, ApplicantHeaders, APPLY_CAPTION } from './apply-ui.js';
import { dashboardHref, pageCount, readDashboardAddress } from './dashboard-address.js';

// Apply for Care ID's home page (seed 003, "Application Dashboard"): before first use, the
// email address applicants write to with their queries must be set; after that, the dashboard
// of the sponsor's applications by tab, with their counts. The tab and page live in the address,
// so Back and reload keep them.

type Tab = z.infer<typeof DashboardTab>;

export function ApplyHomePage() {
  const settings = useServiceQuery('applySettings', {});
  return (
    <>
      <PageHeading caption={APPLY_CAPTION}>Your applications</PageHeading>
      <LiveStatus className="nhsuk-body" message={settings.isPending ? 'Loading your settings…' : ''} />
      {settings.isError && <ErrorSummary errors={[{ text: settings.error.message }]} />}
      {settings.data && (settings.data.queryEmail === null ? <FirstUse /> : <Dashboard queryEmail={settings.data.queryEmail} />)}
    </>
  );
}

/** First use: applicants need an address to write to before any application can be made. */
function FirstUse() {
  return (
    <>
      <p>When you log in for the first time, you must set up an email address for applicants to contact if they have any queries.</p>
      <p>A shared inbox or email address can be used.</p>
      <a className="nhsuk-button" href={hrefOf(CIM_PATHS.applySettings)} role="button" draggable="false">
        Go to settings
      </a>
    </>
  );
}

function Actions() {
  const link = (href: string, text: string, secondary = true) => (
    <a className={`nhsuk-button${secondary ? ' nhsuk-button--secondary' : ''}`} href={hrefOf(href)} role="button" draggable="false">
      {text}
    </a>
  );
  return (
    <div className="nhsuk-button-group">
      {link(CIM_PATHS.applyNew, 'New application', false)}
      {link(CIM_PATHS.applySearch, 'Search applications')}
      {link(CIM_PATHS.applyBulk, 'Bulk invitations')}
      {link(CIM_PATHS.applySettings, 'Settings')}
    </div>
  );
}

function Dashboard({ queryEmail }: { queryEmail: string }) {
  const [params] = useSearchParams();
  const { tab, page } = readDashboardAddress(params);
  const dashboard = useServiceQuery('applyDashboard', { query: { tab, page } });
  const data = dashboard.data;
  return (
    <>
      <p>
        Applicants write to <strong>{queryEmail}</strong> with their queries.
      </p>
      <Actions />
      <h2 className="nhsuk-heading-m">Application dashboard</h2>
      <LiveStatus className="nhsuk-body" message={dashboard.isPending ? 'Loading applications…' : ''} />
      {dashboard.isError && <ErrorSummary errors={[{ text: dashboard.error.message }]} />}
      {data && (
        <div className="nhsuk-tabs">
          <h2 className="nhsuk-tabs__title">Application lists</h2>
          <nav aria-label="Application lists">
            <ul className="nhsuk-tabs__list">
              {DashboardTab.options.map((t) => (
                <li key={t} className={`nhsuk-tabs__list-item${t === tab ? ' nhsuk-tabs__list-item--selected' : ''}`}>
                  <a className="nhsuk-tabs__tab" href={hrefOf(dashboardHref(t, 1))} aria-current={t === tab ? 'page' : undefined}>
                    {DASHBOARD_TAB_NAMES[t]} ({data.counts[t]})
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          <div className="nhsuk-tabs__panel">
            <TabPanel key={`${tab}-${page}`} tab={tab} page={page} applications={data.applications} total={data.total} pageSize={data.pageSize} />
          </div>
        </div>
      )}
    </>
  );
}

const TAB_INTRO: Record<Tab, string> = {
  'resend-required': 'Applicants who have not completed their required steps within 3 days. Tick the box next to the applicant name, then Resend selected: a new email link is sent to the applicant.',
  'in-progress': 'Applications that are currently in progress.',
  approved:
    'Applications that have been approved but whose smartcard has not yet been posted. Sponsors must not move applications from the approved list to Marked as done, as the RA team use this list to track any Smartcards that need to be actioned and then posted out.',
  duplicates:
    'A Smartcard profile already exists for these applicants. The Registration Authority team will contact the applicant by email to inform them they already have a Smartcard profile. Sponsors must not move applications from the duplicates list to Marked as done. If the application is in the Marked as done list, this means that the RA team has completed the relevant actions.',
  rejected:
    'The reason for the rejection is shown. If the Smartcard is still required, the application must be resubmitted again from the start. After the information has been reviewed, it is your responsibility to click Mark as done to remove the application from the list.',
  cancelled: 'Applications that were cancelled. Their links no longer work. Mark an application as done to remove it from the list.',
  done: 'Applications marked as done.',
};

function TabPanel({ tab, page, applications, total, pageSize }: { tab: Tab; page: number; applications: readonly ApplicationSummary[]; total: number; pageSize: number }) {
  const name = DASHBOARD_TAB_NAMES[tab];
  return (
    <>
      <h2 className="nhsuk-heading-m">{name}</h2>
      <p>{TAB_INTRO[tab]}</p>
      {applications.length === 0 ? (
        <p>There are no applications in {name.toLowerCase()}.</p>
      ) : tab === 'resend-required' ? (
        <ResendTable applications={applications} />
      ) : (
        <ApplicationTable tab={tab} applications={applications} />
      )}
      <p className="nhsuk-body-s">
        {plural(total, 'application')} in {name.toLowerCase()}.
      </p>
      <ReportPagination page={page} pages={pageCount(total, pageSize)} hrefFor={(p) => hrefOf(dashboardHref(tab, p))} />
    </>
  );
}

function ApplicationTable({ tab, applications }: { tab: Tab; applications: readonly ApplicationSummary[] }) {
  const markDone = useServiceMutation('applyMarkDone');
  const [done, setDone] = useState<string | null>(null);
  const rejected = tab === 'rejected';
  // Sponsors clear rejected and cancelled applications themselves; Approved and Duplicates are the RA team's.
  const markable = rejected || tab === 'cancelled';
  return (
    <>
      {done && (
        <SuccessBanner id="marked-done">
          <p className="nhsuk-notification-banner__heading">{done} has been marked as done.</p>
        </SuccessBanner>
      )}
      {markDone.isError && <ErrorSummary errors={[{ text: markDone.error.message }]} />}
      <table className="nhsuk-table">
        <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">{DASHBOARD_TAB_NAMES[tab]}</caption>
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            <ApplicantHeaders />
            <th scope="col" className="nhsuk-table__header">
              {rejected ? 'Reason for rejection' : 'Last activity'}
            </th>
            {markable && (
              <th scope="col" className="nhsuk-table__header">
                <span className="nhsuk-u-visually-hidden">Action</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {applications.map((application) => (
            <tr className="nhsuk-table__row" key={application.reference}>
              <ApplicantCells application={application} />
              <td className="nhsuk-table__cell">{rejected ? (application.rejectionReason ?? 'No reason was given') : formatDate(application.lastActivityAt)}</td>
              {markable && (
                <td className="nhsuk-table__cell">
                  <button
                    className="nhsuk-button nhsuk-button--secondary nhsuk-button--small nhsuk-u-margin-bottom-0"
                    type="button"
                    disabled={markDone.isPending}
                    onClick={() => markDone.mutate({ params: { reference: application.reference } }, { onSuccess: () => setDone(application.applicantName) })}
                  >
                    Mark as done<span className="nhsuk-u-visually-hidden"> for {application.applicantName}</span>
                  </button>
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Resend required: tick applicants, then "Resend selected" sends each a new email link. */
function ResendTable({ applications }: { applications: readonly ApplicationSummary[] }) {
  const resend = useServiceMutation('applyResendSelected');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [problem, setProblem] = useState<string | null>(null);
  const [resent, setResent] = useState<number | null>(null);
  const toggle = (reference: string, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(reference);
      else next.delete(reference);
      return next;
    });
  const send = (): void => {
    if (selected.size === 0) {
      setProblem('Select at least one applicant to resend to');
      return;
    }
    setProblem(null);
    resend.mutate(
      { body: { references: [...selected] } },
      {
        onSuccess: (result) => {
          setResent(result.resent.length);
          setSelected(new Set());
        },
        onError: (error) => setProblem(error.message),
      },
    );
  };
  const firstBox = applications[0] ? `resend-${applications[0].reference}` : undefined;
  return (
    <>
      {resent !== null && (
        <SuccessBanner id="resent">
          <p className="nhsuk-notification-banner__heading">
            New links sent to {plural(resent, 'applicant')}. Their earlier links no longer work.
          </p>
        </SuccessBanner>
      )}
      <ErrorSummary errors={problem ? [{ text: problem, ...(firstBox ? { href: `#${firstBox}` } : {}) }] : []} />
      <table className="nhsuk-table">
        <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">Resend required</caption>
        <thead className="nhsuk-table__head">
          <tr className="nhsuk-table__row">
            <th scope="col" className="nhsuk-table__header">
              <span className="nhsuk-u-visually-hidden">Select</span>
            </th>
            <ApplicantHeaders />
            <th scope="col" className="nhsuk-table__header">
              Last activity
            </th>
          </tr>
        </thead>
        <tbody className="nhsuk-table__body">
          {applications.map((application) => {
            const id = `resend-${application.reference}`;
            return (
              <tr className="nhsuk-table__row" key={application.reference}>
                <td className="nhsuk-table__cell">
                  <div className="nhsuk-checkboxes nhsuk-checkboxes--small">
                    <div className="nhsuk-checkboxes__item">
                      <input
                        className="nhsuk-checkboxes__input"
                        id={id}
                        type="checkbox"
                        checked={selected.has(application.reference)}
                        onChange={(e) => toggle(application.reference, e.target.checked)}
                      />
                      <label className="nhsuk-label nhsuk-checkboxes__label" htmlFor={id}>
                        <span className="nhsuk-u-visually-hidden">Select {application.applicantName}</span>
                      </label>
                    </div>
                  </div>
                </td>
                <ApplicantCells application={application} />
                <td className="nhsuk-table__cell">{formatDate(application.lastActivityAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <LiveStatus className="nhsuk-body" message={resend.isPending ? 'Sending new links…' : ''} />
      <button className="nhsuk-button" type="button" disabled={resend.isPending} onClick={send}>
        Resend selected
      </button>
    </>
  );
}
