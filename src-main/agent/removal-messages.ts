import type { RemovalMode } from '../../src-shared/api/agent-api.js';
import type { MobilityPolicy } from './agent-model.js';

// What removing the smartcard does, in the words every shell shows (the Identity Agent box in the
// main window and in Electron's small window, the tray), and why a mobility session asks for the
// card again. One place, so the shells cannot drift apart.

function minutes(n: number): string {
  return n === 1 ? '1 minute' : `${n} minutes`;
}

export function removalNotice(mode: RemovalMode, mobility: MobilityPolicy): string {
  switch (mode) {
    case 'normal':
      return 'Removing your smartcard will log you out of every app.';
    case 'session-lock':
      return 'Removing your smartcard will lock your session. Put it back and enter your passcode to carry on.';
    case 'mobility':
      return `You can remove your smartcard. You will be asked for it again every ${minutes(mobility.reauthMinutes)}, and after ${minutes(mobility.idleMinutes)} without use.`;
  }
}

export const MOBILITY_MESSAGES = {
  reauthDue: (mobility: MobilityPolicy): string =>
    `It is ${minutes(mobility.reauthMinutes)} since you last entered your passcode. Insert your smartcard and enter your passcode to carry on.`,
  idle: (mobility: MobilityPolicy): string => `Your session was not used for ${minutes(mobility.idleMinutes)}. Insert your smartcard and enter your passcode to carry on.`,
} as const;
