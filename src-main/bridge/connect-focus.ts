import type { AgentState } from '../../src-shared/api/agent-api.js';

// The Connect sign-in style: the passcode is asked only when an app asks to sign in, and the
// holder is looking at the app's page, not at the agent; so when the passcode screen appears the
// Identity Agent's window comes forward. Pure, so tested without Electron.

export function passcodeWantsWindow(previous: AgentState | undefined, next: AgentState): boolean {
  return next.screen.kind === 'passcode' && previous?.screen.kind !== 'passcode';
}
