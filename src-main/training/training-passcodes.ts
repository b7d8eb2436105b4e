import type { PersonaKey } from '../../src-service/seed/personas.js';

// Training cards' passcodes: easy to remember and shown in the training panel, because they
// guard synthetic people only. Most share 123456 (the passcode newcomers meet on factory cards);
// the locked card's differs, as it starts blocked and is meant to be unlocked, not typed.

export const TRAINING_PASSCODES: Readonly<Record<PersonaKey, string>> = {
  clinician: '123456',
  sponsor: '123456',
  lsa: '123456',
  'ra-agent': '123456',
  'ra-manager': '123456',
  'card-near-expiry': '123456',
  'locked-card': '654321',
  'card-expired': '123456',
  'id-checker': '123456',
};

/** The near-expiry persona's certificate ends this many days after the card is made (< 90). */
export const NEAR_EXPIRY_DAYS = 30;

/** The expired persona's certificate ended this many days before the card is made. */
export const EXPIRED_DAYS_AGO = 10;

/** ...after being valid this long: the card is made as if issued that long before it expired. */
export const EXPIRED_VALID_DAYS = 365;

/** The two in-process readers of training mode. */
export const TRAINING_READERS = ['Reader 1', 'Reader 2'] as const;
