import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { acceptDetailChange, rejectDetailChange } from '../cim/requests-detail-change.js';
import { acceptEsrRequest, rejectEsrRequest } from '../cim/requests-esr.js';
import { importEsrFile } from '../cim/requests-esr-import.js';
import { listRequests, viewRequest } from '../cim/requests-list.js';
import { acceptProfileStatus, rejectProfileStatus } from '../cim/requests-profile-status.js';
import { route, type AnyRoute } from './route.js';

// The Requests endpoints. Each handler authorises inside its cim/requests-*.ts module and
// audits every change it makes.

export function requestsRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.requests, ({ ctx, session, query }) => listRequests(ctx, session, query)),
    route(SERVICE_ENDPOINTS.request, ({ ctx, session, params }) => viewRequest(ctx, session, params.kind, params.id)),
    route(SERVICE_ENDPOINTS.acceptDetailChangeRequest, ({ ctx, session, params }) => acceptDetailChange(ctx, session, params.id)),
    route(SERVICE_ENDPOINTS.rejectDetailChangeRequest, ({ ctx, session, params, body }) => rejectDetailChange(ctx, session, params.id, body.reason)),
    route(SERVICE_ENDPOINTS.acceptProfileStatusRequest, ({ ctx, session, params }) => acceptProfileStatus(ctx, session, params.id)),
    route(SERVICE_ENDPOINTS.rejectProfileStatusRequest, ({ ctx, session, params, body }) => rejectProfileStatus(ctx, session, params.id, body.reason)),
    route(SERVICE_ENDPOINTS.importEsrRequests, ({ ctx, session, body }) => importEsrFile(ctx.db, ctx.now(), { session }, body.format, body.content)),
    route(SERVICE_ENDPOINTS.acceptEsrRequest, ({ ctx, session, params }) => acceptEsrRequest(ctx, session, params.id)),
    route(SERVICE_ENDPOINTS.rejectEsrRequest, ({ ctx, session, params, body }) => rejectEsrRequest(ctx, session, params.id, body.reason)),
  ];
}
