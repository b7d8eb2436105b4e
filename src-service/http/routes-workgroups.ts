import { SERVICE_ENDPOINTS } from '../../src-shared/api/service-endpoints.js';
import { assignWorkgroup, closeWorkgroup, createWorkgroup, editWorkgroupDates, removeWorkgroupAssignment } from '../cim/workgroups-change.js';
import { listWorkgroups, userWorkgroups, viewWorkgroup } from '../cim/workgroups-view.js';
import { route, type AnyRoute } from './route.js';

// The workgroup endpoints. Each handler authorises inside its cim/ module (manage-workgroups, the
// workgroup's organisation and, to assign, the user) and audits every change it makes.

export function workgroupsRoutes(): AnyRoute[] {
  return [
    route(SERVICE_ENDPOINTS.createWorkgroup, ({ ctx, session, body }) => createWorkgroup(ctx, session, body)),
    route(SERVICE_ENDPOINTS.listWorkgroups, ({ ctx, session, query }) => listWorkgroups(ctx, session, query)),
    route(SERVICE_ENDPOINTS.workgroup, ({ ctx, session, params }) => viewWorkgroup(ctx, session, params.id)),
    route(SERVICE_ENDPOINTS.assignWorkgroup, ({ ctx, session, params, body }) => assignWorkgroup(ctx, session, params.id, body)),
    route(SERVICE_ENDPOINTS.editWorkgroupAssignment, ({ ctx, session, params, body }) => editWorkgroupDates(ctx, session, params.id, params.assignmentId, body)),
    route(SERVICE_ENDPOINTS.removeWorkgroupAssignment, ({ ctx, session, params }) => removeWorkgroupAssignment(ctx, session, params.id, params.assignmentId)),
    route(SERVICE_ENDPOINTS.closeWorkgroup, ({ ctx, session, params, body }) => closeWorkgroup(ctx, session, params.id, body.endingAssignments)),
    route(SERVICE_ENDPOINTS.userWorkgroups, ({ ctx, session, params }) => userWorkgroups(ctx, session, params.uuid)),
  ];
}
