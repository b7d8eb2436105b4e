import type { Screen } from '../../src-shared/api/agent-api.js';

// What the Identity Agent offers for the holder's own certificate, the same in the main window
// and in the compact Identity Agent window: "Yes" (and "No") while the Smartcard Expiry
// Notification is open, "Renew now" once it has been answered No, and nothing when the
// certificate has expired (the Registration Authority renews it in person) or another card task
// is under way. Pure, so tested without a page.

export type RenewalOffer = 'yes' | 'renew-now' | null;

type SignedInScreen = Extract<Screen, { kind: 'signed-in' }>;

export function renewalOffer(screen: SignedInScreen): RenewalOffer {
  const { expiry } = screen.session;
  if (!expiry.renewalDue || expiry.daysToExpiry < 0) return null;
  if (screen.renewal) return screen.renewal.mode === 'self' && screen.renewal.step.step === 'notice' ? 'yes' : null;
  return screen.serviceCard ? null : 'renew-now';
}
