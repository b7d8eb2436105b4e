import type { AnyRoute } from './route.js';

/** The login endpoints. */
export function loginRoutes(): AnyRoute[] {
  return [];
}
