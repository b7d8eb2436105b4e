import type { AnyRoute } from './route.js';

/** The cim endpoints. */
export function cimRoutes(): AnyRoute[] {
  return [];
}
