import { useServiceQuery } from '../../api/service-query.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { formatDate, formatTime } from '../../format/dates.js';
import { DataTable } from './data-table.js';

// A profile's History tab: what was done to this user, when and by whom, in words.

const WHAT: Record<string, string> = {
  'user-details.changed': 'Personal details changed',
  'user-details.change-requested': 'Change of personal details requested',
  'contact.changed': 'Own contact details changed',
  'contact.change-refused': 'Change of own contact details refused',
  'contact.change-notice-not-sent': 'Notice of a contact change could not be sent',
  'contact.email-code-sent': 'Code sent to confirm a new email address',
  'position-request.created': 'Access positions requested',
  'position-request.granted': 'Position request granted',
  'position-request.rejected': 'Position request rejected',
  'profile.closed': 'Profile closed',
  'profile.reopened': 'Profile reopened',
  'profile.close-requested': 'Closing the profile requested',
  'profile.reopen-requested': 'Reopening the profile requested',
  'user.created': 'Profile created',
};

/** The action in words; one this page does not know yet is shown as the service names it. */
const describe = (action: string): string => WHAT[action] ?? action.replace(/[.-]/g, ' ').replace(/^./, (c) => c.toUpperCase());

export function HistoryTab({ uuid }: { uuid: string }) {
  const query = useServiceQuery('userHistory', { params: { uuid } });
  if (query.isPending) return <p role="status">Loading the history…</p>;
  if (query.isError) return <ErrorSummary errors={[{ text: query.error.message }]} />;
  return (
    <>
      <DataTable
        heading="History"
        empty="Nothing has been recorded about this user yet."
        columns={['When', 'What', 'Who']}
        rows={query.data.entries.map((entry, i) => ({
          key: `${entry.at}-${i}`,
          cells: [`${formatDate(entry.at)} at ${formatTime(entry.at)}`, describe(entry.action), entry.actor?.name ?? 'The service'],
        }))}
      />
      {query.data.truncated && <p>Only the latest entries are shown.</p>}
    </>
  );
}
