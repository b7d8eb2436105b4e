import type { ProfileView } from '../../../src-shared/api/cim-profile.js';
import { useServiceQuery } from '../../api/service-query.js';
import { ErrorSummary } from '../../components/error-summary.js';
import { formatDate } from '../../format/dates.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { ActionLinks } from '../profile/action-links.js';
import { DataTable } from '../profile/data-table.js';
import { AUTHENTICATOR_KIND_NAMES } from './authenticator-types.js';

// A profile's Authenticators tab: the authenticators other than the smartcard, each with Remove
// where the viewer may, and "Add an authenticator" (own profile) or "Issue other authenticator"
// (RA staff, someone else's) when the service says the viewer may add one.

const ASSURANCE: Record<2 | 3, string> = { 2: 'High (AAL2)', 3: 'Very high (AAL3)' };

export function AuthenticatorsList({ profile }: { profile: ProfileView }) {
  // Read afresh each time the tab is shown: an authenticator is added on another page (the
  // service's registration page, a device), so a list kept from before would miss it.
  const list = useServiceQuery('userAuthenticators', { params: { uuid: profile.uuid } }, { enabled: profile.access === 'full', refetchOnMount: 'always' });
  if (profile.access !== 'full') return <p>You cannot see this person&apos;s authenticators.</p>;
  if (list.isPending) {
    return (
      <div role="status" className="nhsuk-body">
        Loading authenticators…
      </div>
    );
  }
  if (list.isError) return <ErrorSummary errors={[{ text: list.error.message }]} />;
  const { authenticators, mayIssue, own } = list.data;
  const anyRemovable = authenticators.some((a) => a.mayRemove);
  return (
    <>
      <DataTable
        heading="Authenticators"
        empty="No other authenticators."
        columns={['Type', 'Name', 'Assurance', 'Added', 'Added by', ...(anyRemovable ? ['Actions'] : [])]}
        rows={authenticators.map((a) => ({
          key: String(a.id),
          cells: [
            AUTHENTICATOR_KIND_NAMES[a.kind],
            a.label,
            a.aal === null ? 'Not recorded' : ASSURANCE[a.aal],
            formatDate(a.addedAt),
            a.addedBy?.name ?? 'Not recorded',
            ...(anyRemovable
              ? [
                  a.mayRemove ? (
                    <a href={hrefOf(CIM_PATHS.removeAuthenticator(profile.uuid, a.id))}>
                      Remove<span className="nhsuk-u-visually-hidden"> {a.label}</span>
                    </a>
                  ) : (
                    ''
                  ),
                ]
              : []),
          ],
        }))}
      />
      {mayIssue.length > 0 && <ActionLinks actions={[{ href: CIM_PATHS.addAuthenticator(profile.uuid), text: own ? 'Add an authenticator' : 'Issue other authenticator' }]} />}
    </>
  );
}
