import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { assignPosition, changeAssignment, changeAssignments, listAssignments } from '../cim/positions-assignments.js';
import { changeAssignable, closePosition, copyPosition, createPosition, editPosition, organisationPositions, viewPosition } from '../cim/positions-manage.js';
import { requestablePositions, requestPositionsFor } from '../cim/positions-requestable.js';
import { route, type AnyRoute } from './route.js';

// Access positions: requesting them for a user, assigning them directly, and an organisation's
// positions. Each handler authorises inside its cim/ module and audits every change it makes.

const E = SERVICE_ENDPOINTS;

export function positionsRoutes(): AnyRoute[] {
  return [
    route(E.myRequestablePositions, ({ ctx, session, query }) => requestablePositions(ctx, session, undefined, query.organisation)),
    route(E.requestablePositions, ({ ctx, session, params, query }) => requestablePositions(ctx, session, params.uuid, query.organisation)),
    route(E.requestPositionsFor, ({ ctx, session, params, body }) => requestPositionsFor(ctx, session, params.uuid, body)),
    route(E.userAssignments, ({ ctx, session, params, query }) => listAssignments(ctx, session, params.uuid, query.include)),
    route(E.assignPosition, ({ ctx, session, params, body }) => assignPosition(ctx, session, params.uuid, body)),
    route(E.editAssignment, ({ ctx, session, params, body }) => changeAssignment(ctx, session, params.uuid, { id: params.id, action: 'redate', ...body })),
    route(E.removeAssignment, ({ ctx, session, params }) => changeAssignment(ctx, session, params.uuid, { id: params.id, action: 'remove' })),
    route(E.changeAssignments, ({ ctx, session, params, body }) => changeAssignments(ctx, session, params.uuid, body.changes)),
    route(E.organisationPositions, ({ ctx, session, query }) => organisationPositions(ctx, session, query)),
    route(E.position, ({ ctx, session, params }) => viewPosition(ctx, session, params.id)),
    route(E.createPosition, ({ ctx, session, body }) => createPosition(ctx, session, body)),
    route(E.copyPosition, ({ ctx, session, params, body }) => copyPosition(ctx, session, params.id, body.title)),
    route(E.editPosition, ({ ctx, session, params, body }) => editPosition(ctx, session, params.id, body)),
    route(E.changeAssignable, ({ ctx, session, body }) => changeAssignable(ctx, session, body.changes)),
    route(E.closePosition, ({ ctx, session, params }) => closePosition(ctx, session, params.id)),
  ];
}
