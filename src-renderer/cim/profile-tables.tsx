import type { ReactNode } from 'react';
import type { Profile } from '../../src-shared/api/service-cim.js';
import { formatDate } from '../format/dates.js';
import { describeRoles } from '../format/roles.js';

// The profile's positions, smartcards and authenticators, one NHS table each.

const CARD_STATUS: Record<Profile['cards'][number]['status'], string> = {
  active: 'Active',
  locked: 'Locked',
  revoked: 'Revoked',
  cancelled: 'Cancelled',
};

const AUTHENTICATOR_KIND: Record<Profile['authenticators'][number]['kind'], string> = {
  smartcard: 'Smartcard',
  ipad: 'iPad',
  'microsoft-authenticator': 'Microsoft Authenticator',
  'security-key': 'Security key',
  'windows-hello': 'Windows Hello',
  'nhsnet-connect': 'NHS.net Connect',
};

export function ProfileTables({ profile }: { profile: Profile }) {
  return (
    <>
      <DataTable
        heading="Positions"
        empty="No positions assigned."
        columns={['Position', 'Organisation', 'Roles', 'Start date', 'End date']}
        rows={profile.assignments.map((a) => ({
          key: String(a.id),
          cells: [
            a.position.title,
            `${a.position.organisation.name} (${a.position.organisation.code})`,
            describeRoles(a.position.roles),
            formatDate(a.startDate),
            a.endDate ? formatDate(a.endDate) : 'No end date',
          ],
        }))}
      />
      <DataTable
        heading="Smartcards"
        empty="No smartcards issued."
        columns={['Smartcard UUID', 'Serial number', 'Status', 'Certificate expires']}
        rows={profile.cards.map((card) => ({
          key: card.uuid,
          cells: [
            <span className="app-code">{card.uuid}</span>,
            String(card.serial),
            CARD_STATUS[card.status],
            card.certificateNotAfter ? formatDate(card.certificateNotAfter) : 'No certificate',
          ],
        }))}
      />
      <DataTable
        heading="Authenticators"
        empty="No other authenticators."
        columns={['Type', 'Name', 'Added']}
        rows={profile.authenticators.map((a) => ({
          key: String(a.id),
          cells: [AUTHENTICATOR_KIND[a.kind], a.label, formatDate(a.createdAt)],
        }))}
      />
    </>
  );
}

interface Row {
  readonly key: string;
  readonly cells: readonly ReactNode[];
}

function DataTable({ heading, empty, columns, rows }: { heading: string; empty: string; columns: readonly string[]; rows: readonly Row[] }) {
  return (
    <div>
      <h2 className="nhsuk-heading-m">{heading}</h2>
      {rows.length === 0 ? (
        <p>{empty}</p>
      ) : (
        <table className="nhsuk-table">
          <caption className="nhsuk-table__caption nhsuk-u-visually-hidden">{heading}</caption>
          <thead className="nhsuk-table__head">
            <tr className="nhsuk-table__row">
              {columns.map((column) => (
                <th className="nhsuk-table__header" scope="col" key={column}>
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="nhsuk-table__body">
            {rows.map((row) => (
              <tr className="nhsuk-table__row" key={row.key}>
                {row.cells.map((cell, i) => (
                  <td className="nhsuk-table__cell" key={columns[i]}>
                    {cell}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
