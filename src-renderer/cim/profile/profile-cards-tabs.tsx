import type { ProfileView } from '../../../src-shared/api/cim-profile.js';
import { formatDate } from '../../format/dates.js';
import { DataTable } from './data-table.js';

// A profile's Smartcards and Authenticators tabs.

const CARD_STATUS: Record<ProfileView['cards'][number]['status'], string> = {
  active: 'Active',
  locked: 'Locked',
  revoked: 'Revoked',
  cancelled: 'Cancelled',
};

const AUTHENTICATOR_KIND: Record<ProfileView['authenticators'][number]['kind'], string> = {
  smartcard: 'Smartcard',
  ipad: 'iPad',
  'microsoft-authenticator': 'Microsoft Authenticator',
  'security-key': 'Security key',
  'windows-hello': 'Windows Hello',
  'nhsnet-connect': 'NHS.net Connect',
};

export function SmartcardsTab({ profile }: { profile: ProfileView }) {
  return (
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
  );
}

export function AuthenticatorsTab({ profile }: { profile: ProfileView }) {
  return (
    <DataTable
      heading="Authenticators"
      empty="No other authenticators."
      columns={['Type', 'Name', 'Added']}
      rows={profile.authenticators.map((a) => ({ key: String(a.id), cells: [AUTHENTICATOR_KIND[a.kind], a.label, formatDate(a.createdAt)] }))}
    />
  );
}
