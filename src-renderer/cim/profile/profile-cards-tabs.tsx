import type { ProfileView } from '../../../src-shared/api/cim-profile.js';
import { grantFor, type Activity } from '../../../src-shared/domain/roles.js';
import { formatDate } from '../../format/dates.js';
import { CIM_PATHS, hrefOf } from '../cim-paths.js';
import { useCimSession } from '../cim-session.js';
import { AuthenticatorsList } from '../authenticators/authenticators-tab.js';
import { ActionLinks } from './action-links.js';
import { DataTable } from './data-table.js';

// A profile's Smartcards and Authenticators tabs (the latter's list is authenticators-tab.tsx in
// src-renderer/cim/authenticators/). RA staff (the smartcard activities, over users
// in their scope) are offered "Issue a smartcard" and, per card, what makes sense for it: an
// active or locked card can be repaired, cleared or cancelled; a cancelled one only cleared (it
// may turn up again and be reused); a cleared one nothing. The service checks each again.

const CARD_STATUS: Record<ProfileView['cards'][number]['status'], string> = {
  active: 'Active',
  locked: 'Locked',
  revoked: 'Revoked',
  cancelled: 'Cancelled',
  cleared: 'Cleared',
};

type ProfileCard = ProfileView['cards'][number];
type CardAction = 'repair' | 'clear' | 'cancel';

const ACTION_ACTIVITY: Record<CardAction, Activity> = { repair: 'repair-smartcard', clear: 'clear-smartcard', cancel: 'cancel-smartcard' };
const ACTION_WORDS: Record<CardAction, string> = { repair: 'Repair', clear: 'Clear', cancel: 'Cancel' };

/** What can be done to a card in its state, whoever asks. */
function actionsFor(card: ProfileCard): readonly CardAction[] {
  switch (card.status) {
    case 'active':
    case 'locked':
      return ['repair', 'clear', 'cancel'];
    case 'cancelled':
      return ['clear'];
    case 'revoked':
    case 'cleared':
      return [];
  }
}

/** The smartcard activities this viewer may do on this profile: RA staff, on someone else in their scope. */
function useCardPermissions(profile: ProfileView): (activity: Activity) => boolean {
  const session = useCimSession();
  const inScope = profile.access === 'full' && profile.uuid !== session.user.uuid;
  return (activity) => inScope && grantFor(session.position.roles, activity) === 'direct';
}

export function SmartcardsTab({ profile }: { profile: ProfileView }) {
  const may = useCardPermissions(profile);
  const actionsOf = (card: ProfileCard): readonly CardAction[] => actionsFor(card).filter((action) => may(ACTION_ACTIVITY[action]));
  const anyActions = profile.cards.some((card) => actionsOf(card).length > 0);
  return (
    <>
      <DataTable
        heading="Smartcards"
        empty="No smartcards issued."
        columns={['Smartcard UUID', 'Serial number', 'Status', 'Certificate expires', ...(anyActions ? ['Actions'] : [])]}
        rows={profile.cards.map((card) => ({
          key: card.uuid,
          cells: [
            <span className="app-code">{card.uuid}</span>,
            String(card.serial),
            CARD_STATUS[card.status],
            card.certificateNotAfter ? formatDate(card.certificateNotAfter) : 'No certificate',
            ...(anyActions ? [<CardActions uuid={profile.uuid} card={card} actions={actionsOf(card)} />] : []),
          ],
        }))}
      />
      {may('issue-smartcard') && <ActionLinks actions={[{ href: CIM_PATHS.issueSmartcard(profile.uuid), text: 'Issue a smartcard' }]} />}
    </>
  );
}

function CardActions({ uuid, card, actions }: { uuid: string; card: ProfileCard; actions: readonly CardAction[] }) {
  if (actions.length === 0) return null;
  return (
    <ul className="nhsuk-list app-card-actions">
      {actions.map((action) => (
        <li key={action}>
          <a href={hrefOf(CIM_PATHS.smartcardAction(uuid, card.uuid, action))}>
            {ACTION_WORDS[action]}
            <span className="nhsuk-u-visually-hidden"> smartcard {card.serial}</span>
          </a>
        </li>
      ))}
    </ul>
  );
}

export function AuthenticatorsTab({ profile }: { profile: ProfileView }) {
  return <AuthenticatorsList profile={profile} />;
}
