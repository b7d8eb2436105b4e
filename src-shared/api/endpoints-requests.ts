import { DecisionParams, EsrImportBody, EsrImportResponse, RequestParams, RequestsQuery, RequestsResponse, WaitingRequest } from './cim-requests.js';
import { endpoint } from './endpoint.js';
import { RejectBody } from './service-cim.js';

// Requests (cim-requests.ts): the list of everything waiting, one request, the decisions on
// sponsors' detail-change and close/reopen requests and on ESR requests, and the ESR import.
// Position requests are granted and rejected with their own endpoints (service-endpoints.ts).

const decision = (path: string, summary: string) => endpoint({ method: 'POST', path, summary, tag: 'cim', auth: 'session', viaAgent: true, params: DecisionParams, response: WaitingRequest });
const rejection = (path: string, summary: string) =>
  endpoint({ method: 'POST', path, summary, tag: 'cim', auth: 'session', viaAgent: true, params: DecisionParams, body: RejectBody, response: WaitingRequest });

export const REQUESTS_ENDPOINTS = {
  requests: endpoint({
    method: 'GET',
    path: '/v1/requests',
    summary: 'Requests waiting for a decision in your organisation and its child organisations, by kind and status, with a count per kind',
    tag: 'cim',
    auth: 'session',
    viaAgent: true,
    query: RequestsQuery,
    response: RequestsResponse,
  }),
  request: endpoint({
    method: 'GET',
    path: '/v1/requests/:kind/:id',
    summary: 'One request: what is asked, about whom, and whether you may decide it',
    tag: 'cim',
    auth: 'session',
    viaAgent: true,
    params: RequestParams,
    response: WaitingRequest,
  }),
  acceptDetailChangeRequest: decision('/v1/detail-change-requests/:id/accept', "Accept a sponsor's request to change a user's details: the change is made (RA staff)"),
  rejectDetailChangeRequest: rejection('/v1/detail-change-requests/:id/reject', "Reject a sponsor's request to change a user's details, with a reason (RA staff)"),
  acceptProfileStatusRequest: decision('/v1/profile-status-requests/:id/accept', "Accept a sponsor's request to close or reopen a profile: it is closed or reopened (RA staff)"),
  rejectProfileStatusRequest: rejection('/v1/profile-status-requests/:id/reject', "Reject a sponsor's request to close or reopen a profile, with a reason (RA staff)"),
  importEsrRequests: endpoint({
    method: 'POST',
    path: '/v1/esr-requests/import',
    summary: 'Import an ESR file (JSON or CSV) of create-user and modify-user requests: all records valid or nothing stored; ESR ids imported before are ignored (RA staff)',
    tag: 'cim',
    auth: 'session',
    viaAgent: true,
    body: EsrImportBody,
    response: EsrImportResponse,
  }),
  acceptEsrRequest: decision('/v1/esr-requests/:id/accept', 'Accept an ESR request: a create makes the profile, a modify changes the fields it names'),
  rejectEsrRequest: rejection('/v1/esr-requests/:id/reject', 'Reject an ESR request with a reason'),
} as const;
