import type { AnyRoute } from './route.js';

/** The directory endpoints. */
export function directoryRoutes(): AnyRoute[] {
  return [];
}
