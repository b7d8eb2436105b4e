import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { operationAuthenticate, operationWitness } from '../cards/card-operation-relay.js';
import { issueCardCertificate } from '../cards/issue-certificate.js';
import { confirmIssue } from '../cards/issue-confirm.js';
import { openIssue } from '../cards/issue-open.js';
import { personaliseCard } from '../cards/issue-personalise.js';
import { abandonOperation } from '../cards/operation-abandon.js';
import { route, type AnyRoute } from './route.js';

// Issuing a smartcard (activity 'issue-smartcard') and the card proof every card operation makes
// with the service-held management key. Authorised and scoped inside src-service/cards/.

/** The issue endpoints and the card operations' shared steps. */
export function cardIssueRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.issueSmartcard, ({ ctx, session, params, body }) => openIssue(ctx, session, params.uuid, body)),
    route(SERVICE_ENDPOINTS.operationWitness, ({ ctx, session, params, body }) => operationWitness(ctx, session, params.operationId, body)),
    route(SERVICE_ENDPOINTS.operationAuthenticate, ({ ctx, session, params, body }) => operationAuthenticate(ctx, session, params.operationId, body)),
    route(SERVICE_ENDPOINTS.issueCertificate, ({ ctx, session, params, body }) => issueCardCertificate(ctx, session, params.operationId, body)),
    route(SERVICE_ENDPOINTS.personaliseSmartcard, ({ ctx, session, params, body }) => personaliseCard(ctx, session, params.operationId, body)),
    route(SERVICE_ENDPOINTS.confirmIssue, ({ ctx, session, params, body }) => confirmIssue(ctx, session, params.operationId, body)),
    route(SERVICE_ENDPOINTS.abandonOperation, ({ ctx, session, params, body }) => abandonOperation(ctx, session, params.operationId, body)),
  ];
}
