import { describe, expect, it } from 'vitest';
import { IDENTITY_BOX_MARGIN, IDENTITY_BOX_SIZE, identityBoxBounds, identityBoxVisible } from '../../../../src-main/shell/electron/identity-box.js';
import { initialState } from '../support/fake-agent.js';
import { signedIn } from '../support/states.js';

// The Identity Agent box sits at the bottom right of the primary display's work area, which
// already excludes the taskbar wherever it is docked.

describe('identityBoxBounds', () => {
  it('bottom right of a 1920x1040 work area (taskbar at the bottom), inside the margin', () => {
    expect(identityBoxBounds({ x: 0, y: 0, width: 1920, height: 1040 }, { width: 340, height: 136 }, 12)).toEqual({
      x: 1920 - 340 - 12,
      y: 1040 - 136 - 12,
      width: 340,
      height: 136,
    });
  });

  it('follows a work area that does not start at 0,0 (taskbar on the left or top, second display)', () => {
    expect(identityBoxBounds({ x: 64, y: 40, width: 1856, height: 1040 }, { width: 300, height: 100 }, 10)).toEqual({ x: 64 + 1856 - 300 - 10, y: 40 + 1040 - 100 - 10, width: 300, height: 100 });
    expect(identityBoxBounds({ x: -1280, y: 0, width: 1280, height: 984 }, { width: 300, height: 100 }, 10)).toEqual({ x: -310, y: 874, width: 300, height: 100 });
  });

  it('its right and bottom edges are exactly the margin inside the work area', () => {
    const area = { x: 10, y: 20, width: 1366, height: 728 };
    const box = identityBoxBounds(area);
    expect(box.x + box.width).toBe(area.x + area.width - IDENTITY_BOX_MARGIN);
    expect(box.y + box.height).toBe(area.y + area.height - IDENTITY_BOX_MARGIN);
    expect(box).toMatchObject(IDENTITY_BOX_SIZE);
  });

  it('shrinks to fit a work area smaller than the box, never leaving it', () => {
    const box = identityBoxBounds({ x: 0, y: 0, width: 200, height: 100 }, { width: 340, height: 136 }, 12);
    expect(box).toEqual({ x: 12, y: 12, width: 176, height: 76 });
  });

  it('whole pixels on fractional (scaled) work areas', () => {
    const box = identityBoxBounds({ x: 0.5, y: 0.25, width: 1280.5, height: 719.75 });
    for (const v of Object.values(box)) expect(Number.isInteger(v)).toBe(true);
  });
});

describe('identityBoxVisible', () => {
  it('shown while signed in, hidden on every other screen', () => {
    expect(identityBoxVisible(signedIn())).toBe(true);
    expect(identityBoxVisible(initialState())).toBe(false);
    expect(identityBoxVisible({ ...initialState(), screen: { kind: 'session-locked', holderName: 'A', cardUuid: '0b4c4e8e-1f6b-4d8a-9a51-8d1a7c1d2e3f', reader: null, attemptsRemaining: null, busy: false, error: null } })).toBe(false);
  });
});
