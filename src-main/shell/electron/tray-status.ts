import type { AgentIndicator, AgentState } from '../../../src-shared/api/agent-api.js';

// What the tray says about the Identity Agent: the icon per indicator state, the tooltip in
// words (an icon's colour alone tells nothing to a screen reader or a colour-blind user), and
// which menu actions make sense now.

export const INDICATOR_WORDS: Readonly<Record<AgentIndicator, string>> = {
  'no-reader': 'No smartcard reader connected',
  'no-card': 'No smartcard inserted',
  'card-present': 'Smartcard inserted, not signed in',
  'signed-in': 'Signed in',
  locked: 'Session locked',
  expiring: 'Signed in; your smartcard certificate expires soon',
  error: 'There is a problem: open Care Identity for details',
};

export const INDICATORS = Object.keys(INDICATOR_WORDS) as AgentIndicator[];

export interface TrayModel {
  readonly indicator: AgentIndicator;
  readonly tooltip: string;
  readonly canLock: boolean;
  readonly canLogout: boolean;
  /** Signed in with the card present: the passcode form can be opened. */
  readonly canChangePasscode: boolean;
  /** While signed in: what removing the card will do (the agent's words, as in the Identity Agent box). */
  readonly removalNotice: string | null;
}

export function trayModel(state: AgentState): TrayModel {
  const screen = state.screen;
  let words = INDICATOR_WORDS[state.indicator];
  if (screen.kind === 'signed-in') {
    const who = `Signed in as ${screen.session.user.name}`;
    if (state.indicator === 'signed-in') words = who;
    if (state.indicator === 'expiring') words = `${who}; your smartcard certificate expires soon`;
  }
  return {
    indicator: state.indicator,
    tooltip: `Care Identity: ${words}`,
    canLock: screen.kind === 'signed-in',
    canLogout: screen.kind === 'signed-in' || screen.kind === 'session-locked',
    canChangePasscode: screen.kind === 'signed-in',
    removalNotice: screen.kind === 'signed-in' ? state.removalNotice : null,
  };
}

export function sameTrayModel(a: TrayModel | undefined, b: TrayModel): boolean {
  return a !== undefined && a.indicator === b.indicator && a.tooltip === b.tooltip && a.canLock === b.canLock && a.canLogout === b.canLogout && a.canChangePasscode === b.canChangePasscode && a.removalNotice === b.removalNotice;
}
