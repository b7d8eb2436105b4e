import type { AgentState, RenewalView } from '../../../src-shared/api/agent-api.js';

// "Yes" or "Renew now" may be pressed in the compact Identity Agent window, but the renewal's
// passcode and progress pages are in the main window: when the holder's own renewal moves past
// the notification, the main window comes forward. Pure, so tested without Electron.

function ownRenewal(state: AgentState | undefined): RenewalView | null {
  const screen = state?.screen;
  return screen?.kind === 'signed-in' && screen.renewal?.mode === 'self' ? screen.renewal : null;
}

export function renewalWantsMainWindow(previous: AgentState | undefined, next: AgentState): boolean {
  const now = ownRenewal(next);
  if (now === null || now.step.step === 'notice') return false;
  const before = ownRenewal(previous);
  return before === null || before.step.step === 'notice';
}
