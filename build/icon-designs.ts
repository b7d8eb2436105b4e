import type { AgentIndicator } from '../src-shared/api/agent-api.js';
import { circle, grow, ring, roundedRect, stroke, triangle, union, type Layer, type Rgba, type Shape } from './icon-raster.js';

// One tray icon per Identity Agent state: a different shape AND colour for each (so no state
// is told apart by colour alone), a dark rim so each reads on light and dark panels, and a
// white or black glyph with high contrast on its fill. NHS identity colours.

const NHS_BLACK: Rgba = [33, 43, 50, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const BLUE: Rgba = [0, 94, 184, 255];
const MID_GREY: Rgba = [118, 134, 146, 255];
const GREEN: Rgba = [0, 127, 59, 255];
const YELLOW: Rgba = [255, 184, 28, 255];
const ORANGE: Rgba = [237, 139, 0, 255];
const RED: Rgba = [213, 40, 27, 255];

/** The rim, then the shape, then its glyph. */
const badge = (shape: Shape, fill: Rgba, glyph: readonly Layer[] = []): Layer[] => [{ shape: grow(shape, 0.07), colour: NHS_BLACK }, { shape, colour: fill }, ...glyph];

const card = roundedRect(0.1, 0.24, 0.9, 0.76, 0.08);
const chip = roundedRect(0.2, 0.38, 0.42, 0.6, 0.03);
const disc = circle(0.5, 0.5, 0.4);
const padlockBody = roundedRect(0.3, 0.47, 0.7, 0.76, 0.04);
const shackle = ring(0.5, 0.45, 0.13, 0.08);
const shackleTop: Shape = (x, y) => (y > 0.47 ? 1 : shackle(x, y));

export const TRAY_DESIGNS: Readonly<Record<AgentIndicator, readonly Layer[]>> = {
  // A grey disc struck through: nothing to read cards with.
  'no-reader': badge(disc, MID_GREY, [{ shape: stroke(0.3, 0.3, 0.7, 0.7, 0.13), colour: WHITE }]),
  // An empty card outline: the reader waits for a card.
  'no-card': [
    { shape: grow(card, 0.07), colour: NHS_BLACK },
    { shape: card, colour: WHITE },
    { shape: (x, y) => Math.max(card(x, y), -roundedRect(0.2, 0.35, 0.8, 0.65, 0.02)(x, y)), colour: BLUE },
  ],
  // A solid blue card with its chip: a card is in, nobody signed in yet.
  'card-present': badge(card, BLUE, [{ shape: chip, colour: YELLOW }]),
  // A green disc with a tick.
  'signed-in': badge(disc, GREEN, [{ shape: union(stroke(0.3, 0.52, 0.44, 0.66, 0.12), stroke(0.44, 0.66, 0.71, 0.36, 0.12)), colour: WHITE }]),
  // A yellow disc with a black padlock.
  locked: badge(disc, YELLOW, [{ shape: union(padlockBody, shackleTop), colour: NHS_BLACK }]),
  // An orange warning triangle with "!": the certificate needs renewing.
  expiring: badge(triangle(0.5, 0.17, 0.82, 0.4, 0.04), ORANGE, [
    { shape: union(stroke(0.5, 0.4, 0.5, 0.6, 0.1), circle(0.5, 0.72, 0.06)), colour: NHS_BLACK },
  ]),
  // A red disc with a white cross.
  error: badge(disc, RED, [{ shape: union(stroke(0.34, 0.34, 0.66, 0.66, 0.12), stroke(0.66, 0.34, 0.34, 0.66, 0.12)), colour: WHITE }]),
};

/** The application icon: a white smartcard with a gold chip on an NHS-blue tile. */
export const APP_ICON: readonly Layer[] = [
  { shape: roundedRect(0.04, 0.04, 0.96, 0.96, 0.18), colour: BLUE },
  { shape: roundedRect(0.16, 0.29, 0.84, 0.71, 0.05), colour: WHITE },
  { shape: roundedRect(0.24, 0.41, 0.4, 0.57, 0.025), colour: YELLOW },
  { shape: union(stroke(0.48, 0.45, 0.74, 0.45, 0.04), stroke(0.48, 0.55, 0.66, 0.55, 0.04)), colour: MID_GREY },
];
