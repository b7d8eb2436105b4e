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
};

/** The near-expiry persona's certificate ends this many days after the card is made (< 90). */
export const NEAR_EXPIRY_DAYS = 30;

/** The two in-process readers of training mode. */
export const TRAINING_READERS = ['Reader 1', 'Reader 2'] as const;
