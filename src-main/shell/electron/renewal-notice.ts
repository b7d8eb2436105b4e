import type { AgentState } from '../../../src-shared/api/agent-api.js';

// The Smartcard Expiry Notification as an OS notification: once per session that starts with
// the certificate within 90 days of expiry, or already expired (the agent decides "renewal due").

export interface Notice {
  readonly title: string;
  readonly body: string;
}

export function renewalNotice(previous: AgentState | undefined, next: AgentState): Notice | null {
  if (next.screen.kind !== 'signed-in') return null;
  const session = next.screen.session;
  if (!session.expiry.renewalDue) return null;
  const prev = previous?.screen;
  // The same session seen again (any other state change while signed in): already told.
  if (prev?.kind === 'signed-in' && prev.session.signedInAt === session.signedInAt && prev.session.cardUuid === session.cardUuid) return null;
  return expiryNoticeWords(session.expiry.daysToExpiry);
}

/**
 * The notification's words for a certificate `days` from expiry (0: today). Once it has expired
 * the card cannot renew itself (RA roles only, in person), so the notice says so and points at
 * the Registration Authority rather than at "Yes".
 */
function expiryNoticeWords(days: number): Notice {
  if (days < 0) {
    const ago = days === -1 ? '1 day ago' : `${-days} days ago`;
    return {
      title: 'Your smartcard certificate has expired',
      body: `It expired ${ago}. Make an appointment with your Registration Authority (RA) team to renew it in person.`,
    };
  }
  const when = days === 0 ? 'today' : days === 1 ? 'in 1 day' : `in ${days} days`;
  return {
    title: `Your smartcard certificate expires ${when}`,
    body: 'Select "Yes" on the Smartcard Expiry Notification in the Identity Agent to renew it now: it takes a few seconds.',
  };
}
