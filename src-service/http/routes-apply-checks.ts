import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { approveApplication } from '../apply/approve.js';
import { cardsToIssue } from '../apply/cards-to-issue.js';
import { checkDetail, checkDocument, listChecks } from '../apply/checks.js';
import { markPosted } from '../apply/posted.js';
import { rejectApplication } from '../apply/reject.js';
import { route, type AnyRoute } from './route.js';

// Apply for Care ID, the ID check and the RA's cards to issue: ID checkers and RA staff see the
// documents, approve (creating the profile) or reject; RA staff mark issued cards as posted.
// Each handler authorises inside its apply/ module and audits every change it makes.

export function applyChecksRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.applyChecks, ({ ctx, session }) => listChecks(ctx, session)),
    route(SERVICE_ENDPOINTS.applyCheck, ({ ctx, session, params }) => checkDetail(ctx, session, params.reference)),
    route(SERVICE_ENDPOINTS.applyCheckDocument, ({ ctx, session, params }) => checkDocument(ctx, session, params.reference, params.documentId)),
    route(SERVICE_ENDPOINTS.applyApprove, ({ ctx, session, params, body }) => approveApplication(ctx, session, params.reference, body)),
    route(SERVICE_ENDPOINTS.applyReject, ({ ctx, session, params, body }) => rejectApplication(ctx, session, params.reference, body.reason)),
    route(SERVICE_ENDPOINTS.applyCardsToIssue, ({ ctx, session }) => cardsToIssue(ctx, session)),
    route(SERVICE_ENDPOINTS.applyMarkPosted, ({ ctx, session, params }) => markPosted(ctx, session, params.reference)),
  ];
}
