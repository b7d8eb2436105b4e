import type { z } from 'zod';
import type { PositionRequest } from '../../src-shared/api/service-cim.js';
import type { RequestKind, RequestsResponse, RequestStatus, WaitingRequest } from '../../src-shared/api/cim-requests.js';
import { grantFor } from '../../src-shared/domain/roles.js';
import { authorize } from '../auth/authorize.js';
import type { SessionContext } from '../auth/session-store.js';
import { notFound } from '../service-error.js';
import type { ServiceContext } from '../service-context.js';
import type { Db } from '../store/database.js';
import { utcDate } from './dates.js';
import { listPositionRequests, positionRequestInScope } from './position-requests.js';
import { countDetailChangeRequests, detailChangeRequest, listDetailChangeRequests } from './requests-detail-change.js';
import { countEsrRequests, esrRequest, listEsrRequests } from './requests-esr.js';
import { countProfileStatusRequests, listProfileStatusRequests, profileStatusRequest } from './requests-profile-status.js';

// GET /v1/requests: everything waiting for a decision in the session's subtree, in one list,
// with a count per kind. Position requests come from their own queue (position-requests.ts)
// and are granted or rejected with its endpoints.

/** How many requests of one kind are listed at most (the oldest first); the counts are whole. */
const LIST_LIMIT = 200;
/** The most position requests one page of the Position Request List holds. */
const POSITION_PAGE = 100;

type PositionRequestView = z.infer<typeof PositionRequest>;
const POSITION_STATUS = { pending: 'pending', accepted: 'granted', rejected: 'rejected' } as const;

function positionView(session: SessionContext, request: PositionRequestView): WaitingRequest {
  const p = request.position;
  let whyNot: string | null = null;
  if (request.status !== 'pending') whyNot = 'This request has been decided.';
  else if (request.user.uuid === session.userUuid) whyNot = 'You cannot grant your own position request.';
  else if (grantFor(session.roles, 'assign-position') === 'assignable-only' && !p.assignable) whyNot = 'Only RA staff can grant a position that is not assignable.';
  return {
    kind: 'position',
    id: request.id,
    status: request.status === 'granted' ? 'accepted' : request.status,
    user: request.user,
    subjectName: request.user.name,
    organisation: p.organisation.name,
    summary: `Position: ${p.title}`,
    details: [
      { label: 'Position', value: `${p.title} (${p.jobRole})` },
      { label: 'Organisation', value: `${p.organisation.name} (${p.organisation.code})` },
      { label: 'Start date', value: request.startDate },
      { label: 'End date', value: request.endDate },
    ],
    requestedAt: request.requestedAt,
    requestedBy: request.user.name,
    reason: request.reason,
    existingProfile: null,
    mayDecide: whyNot === null,
    whyNot,
  };
}

/** The first page of the position requests (the Position Request List pages through the rest) and how many there are. */
async function positionRequests(ctx: ServiceContext, session: SessionContext, status: RequestStatus): Promise<{ shown: WaitingRequest[]; total: number }> {
  const page = await listPositionRequests(ctx, session, { status: POSITION_STATUS[status], limit: POSITION_PAGE });
  return { shown: page.requests.map((r) => positionView(session, r)), total: page.total };
}

type Lister = (db: Db, session: SessionContext, today: string, status: RequestStatus, limit: number) => Promise<WaitingRequest[]>;
type Counter = (db: Db, session: SessionContext, today: string, status: RequestStatus) => Promise<number>;
const STORED: Record<Exclude<RequestKind, 'position'>, { list: Lister; count: Counter }> = {
  'detail-change': { list: listDetailChangeRequests, count: countDetailChangeRequests },
  'profile-status': { list: listProfileStatusRequests, count: countProfileStatusRequests },
  esr: { list: listEsrRequests, count: countEsrRequests },
};

export async function listRequests(ctx: ServiceContext, session: SessionContext, filter: { kind?: RequestKind | undefined; status: RequestStatus }): Promise<z.infer<typeof RequestsResponse>> {
  authorize(session, 'manage-requests');
  const today = utcDate(ctx.now());
  const positions = await positionRequests(ctx, session, filter.status);
  const counts = {
    position: positions.total,
    'detail-change': await STORED['detail-change'].count(ctx.db, session, today, filter.status),
    'profile-status': await STORED['profile-status'].count(ctx.db, session, today, filter.status),
    esr: await STORED.esr.count(ctx.db, session, today, filter.status),
  };
  const kinds = filter.kind ? [filter.kind] : (['position', 'detail-change', 'profile-status', 'esr'] as const);
  const requests: WaitingRequest[] = [];
  for (const kind of kinds) {
    requests.push(...(kind === 'position' ? positions.shown : await STORED[kind].list(ctx.db, session, today, filter.status, LIST_LIMIT)));
  }
  requests.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt));
  return { counts, requests, truncated: kinds.some((kind) => counts[kind] > (kind === 'position' ? POSITION_PAGE : LIST_LIMIT)) };
}

/** GET /v1/requests/:kind/:id: one request in the session's scope (a 404 for one outside it). */
export async function viewRequest(ctx: ServiceContext, session: SessionContext, kind: RequestKind, id: number): Promise<WaitingRequest> {
  authorize(session, 'manage-requests');
  const today = utcDate(ctx.now());
  let found: WaitingRequest | undefined;
  if (kind === 'position') {
    const request = await positionRequestInScope(ctx.db, session, id);
    found = request && positionView(session, request);
  } else {
    const one = { 'detail-change': detailChangeRequest, 'profile-status': profileStatusRequest, esr: esrRequest }[kind];
    found = await one(ctx.db, session, today, id);
  }
  if (!found) throw notFound('That request');
  return found;
}
