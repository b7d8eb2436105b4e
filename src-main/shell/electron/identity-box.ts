import type { AgentState } from '../../../src-shared/api/agent-api.js';

// The Identity Agent box: a small always-on-top window at the bottom right of the primary
// display's work area (above the taskbar, wherever the taskbar is), showing who is signed in.
// Placement and visibility are pure, so they are tested without Electron.

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export const IDENTITY_BOX_SIZE = { width: 340, height: 136 } as const;
export const IDENTITY_BOX_MARGIN = 12;

export function identityBoxBounds(workArea: Rect, size: { width: number; height: number } = IDENTITY_BOX_SIZE, margin = IDENTITY_BOX_MARGIN): Rect {
  // On a tiny work area the box shrinks to fit rather than hang off the screen.
  const width = Math.min(size.width, Math.max(0, workArea.width - 2 * margin));
  const height = Math.min(size.height, Math.max(0, workArea.height - 2 * margin));
  return {
    x: Math.round(workArea.x + workArea.width - width - margin),
    y: Math.round(workArea.y + workArea.height - height - margin),
    width: Math.round(width),
    height: Math.round(height),
  };
}

/** Shown while someone is signed in, hidden otherwise (a locked session shows the main window). */
export function identityBoxVisible(state: AgentState): boolean {
  return state.screen.kind === 'signed-in';
}
