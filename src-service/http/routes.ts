import type { AnyRoute } from './route.js';
import { directoryRoutes } from './routes-directory.js';
import { loginRoutes } from './routes-login.js';
import { cimRoutes } from './routes-cim.js';
import { positionsRoutes } from './routes-positions.js';
import { renewalRoutes } from './routes-renewal.js';
import { unlockRoutes } from './routes-unlock.js';
import { workgroupsRoutes } from './routes-workgroups.js';
import { usersRoutes } from './routes-users.js';
import { profileRoutes } from './routes-profile.js';
import { batchRoutes } from './routes-batch.js';
import { requestsRoutes } from './routes-requests.js';
import { reportRoutes } from './routes-reports.js';
import { cardIssueRoutes } from './routes-card-issue.js';
import { cardLifecycleRoutes } from './routes-card-lifecycle.js';
import { devicesRoutes } from './routes-devices.js';
import { signInsRoutes } from './routes-sign-ins.js';
import { oidcRoutes } from './routes-oidc.js';
import { authenticatorsRoutes } from './routes-authenticators.js';
import { applySponsorRoutes } from './routes-apply-sponsor.js';
import { applyReadRoutes } from './routes-apply-read.js';
import { applyChecksRoutes } from './routes-apply-checks.js';

/** Every endpoint of the service, gathered from the areas that declare them. */
export function serviceRoutes(): AnyRoute[] {
  return [
    ...directoryRoutes(),
    ...loginRoutes(),
    ...cimRoutes(),
    ...positionsRoutes(),
    ...renewalRoutes(),
    ...unlockRoutes(),
    ...workgroupsRoutes(),
    ...usersRoutes(),
    ...profileRoutes(),
    ...batchRoutes(),
    ...requestsRoutes(),
    ...reportRoutes(),
    ...cardIssueRoutes(),
    ...cardLifecycleRoutes(),
    ...devicesRoutes(),
    ...signInsRoutes(),
    ...oidcRoutes(),
    ...authenticatorsRoutes(),
    ...applySponsorRoutes(),
    ...applyReadRoutes(),
    ...applyChecksRoutes(),
  ];
}
