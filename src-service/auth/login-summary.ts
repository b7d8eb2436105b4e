import type { z } from 'zod';
import type { CardLoginSummary } from '../../src-shared/api/service-login.js';
import { certificateExpiry } from '../../src-shared/domain/certificate-expiry.js';

// The card facts shown at every login: when the certificate expires and whether the Smartcard
// Expiry Notification is due, counted as everywhere else (src-shared/domain/certificate-expiry.ts).

export { daysToExpiry, RENEWAL_WINDOW_DAYS } from '../../src-shared/domain/certificate-expiry.js';

export function cardLoginSummary(cardUuid: string, notAfter: Date, now: Date): z.infer<typeof CardLoginSummary> {
  return { uuid: cardUuid, ...certificateExpiry(notAfter, now) };
}
