import type { z } from 'zod';
import type { SmartcardJobKind as JobKind } from '../../src-shared/api/agent-api.js';
import type { LifecycleStage } from './card-lifecycle-types.js';

// What the smartcard lifecycle pages say while the agent issues, repairs or clears a card in the
// second reader, and when it cannot (seed 004 wording for the successes).

export type SmartcardJobKind = z.infer<typeof JobKind>;

export const SMARTCARD_MESSAGES = {
  forbidden: {
    issue: 'Your role does not allow you to issue smartcards.',
    repair: 'Your role does not allow you to repair smartcards.',
    clear: 'Your role does not allow you to clear smartcards.',
  },
  done: {
    issue: 'Smartcard issued successfully',
    repair: 'Smartcard repaired successfully',
    clear: 'Smartcard cleared successfully',
  },
  removed: {
    issue: 'The smartcard was removed before it was issued. Put it back in your second smartcard reader and issue it again.',
    repair: 'The smartcard was removed before it was repaired. Put it back in your second smartcard reader and repair it again.',
    clear: 'The smartcard was removed before it was cleared. Put it back in your second smartcard reader and clear it again.',
  },
  insertSecond: 'Insert the smartcard into your second smartcard reader.',
  ownCard: 'This is the smartcard you are signed in with. Insert the other smartcard into your second smartcard reader.',
  certificateMismatch: "The identity service's certificate was not for this smartcard's new key, so nothing was written. Issue the smartcard again.",
  keyMismatch: "This smartcard's key does not match its certificate, so it cannot be repaired. Clear it so it can be reused, and issue it again.",
  notProved: 'This smartcard did not prove it is the one the identity service issued. It cannot be changed here.',
  serviceUnreachable: 'The identity service cannot be reached. Check the network connection and try again.',
  busy: 'A smartcard operation is already under way. Wait for it to finish.',
  locked: 'Unlock your session first.',
  noSuchJob: 'There is no such smartcard operation.',
  unknownFailure: 'Something went wrong with the smartcard. Try again.',
  summary: {
    blank: 'A blank smartcard',
    registeredTo: (name: string): string => `Smartcard registered to ${name}`,
    notBlank: 'A smartcard that is not blank and is not registered to anyone you can see',
    unfinishedIssue: 'A smartcard whose issue was not finished. Issue it again: it is put back to blank first.',
  },
} as const;

/** What the page shows while a stage runs. */
export const STAGE_WORDS: Record<LifecycleStage | 'opening' | 'confirming' | 'reporting', string> = {
  opening: 'Checking the smartcard with the identity service',
  'reading-card': 'Reading the smartcard',
  'resetting-card': 'Putting the smartcard back to blank',
  'making-key': "Making the smartcard's key",
  'writing-certificate': 'Writing the certificate to the smartcard',
  'setting-passcode': 'Setting the passcode',
  'setting-keys': "Setting the smartcard's keys",
  'checking-card': 'Checking the smartcard',
  rewriting: 'Repairing the smartcard',
  clearing: 'Clearing the smartcard',
  confirming: 'Registering the smartcard',
  reporting: 'Recording the change with the identity service',
};

export const KIND_ACTIVITY: Record<SmartcardJobKind, 'issue-smartcard' | 'repair-smartcard' | 'clear-smartcard'> = {
  issue: 'issue-smartcard',
  repair: 'repair-smartcard',
  clear: 'clear-smartcard',
};
