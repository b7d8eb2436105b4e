import type { AnyRoute } from './route.js';
import { directoryRoutes } from './routes-directory.js';
import { loginRoutes } from './routes-login.js';
import { cimRoutes } from './routes-cim.js';
import { renewalRoutes } from './routes-renewal.js';
import { unlockRoutes } from './routes-unlock.js';
import { reportRoutes } from './routes-reports.js';

/** Every endpoint of the service, gathered from the areas that declare them. */
export function serviceRoutes(): AnyRoute[] {
  return [...directoryRoutes(), ...loginRoutes(), ...cimRoutes(), ...unlockRoutes(), ...renewalRoutes(), ...reportRoutes()];
}
