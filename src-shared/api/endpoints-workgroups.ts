import { endpoint } from './endpoint.js';
import {
  AssignWorkgroupBody,
  CloseWorkgroupBody,
  CreateWorkgroupBody,
  EditWorkgroupDatesBody,
  ListWorkgroupsQuery,
  RemovedWorkgroupAssignment,
  UserWorkgroups,
  Workgroup,
  WorkgroupAssignment,
  WorkgroupAssignmentParams,
  WorkgroupDetail,
  WorkgroupList,
  WorkgroupParams,
} from './cim-workgroups.js';
import { UserUuidParams } from './service-cim.js';

// Workgroups (manage-workgroups: RAM and RAA(A), within the session's organisation subtree).

const cim = { tag: 'cim', auth: 'session', viaAgent: true } as const;

export const WORKGROUPS_ENDPOINTS = {
  createWorkgroup: endpoint({
    ...cim,
    method: 'POST',
    path: '/v1/workgroups',
    summary: 'Create a workgroup at an organisation (its name unique among the open workgroups there)',
    status: 201,
    body: CreateWorkgroupBody,
    response: Workgroup,
  }),
  listWorkgroups: endpoint({
    ...cim,
    method: 'GET',
    path: '/v1/workgroups',
    summary: "The workgroups of an organisation in your subtree (yours unless named): open ones, or closed ones too",
    query: ListWorkgroupsQuery,
    response: WorkgroupList,
  }),
  workgroup: endpoint({
    ...cim,
    method: 'GET',
    path: '/v1/workgroups/:id',
    summary: 'A workgroup with its current members and its history',
    params: WorkgroupParams,
    response: WorkgroupDetail,
  }),
  assignWorkgroup: endpoint({
    ...cim,
    method: 'POST',
    path: '/v1/workgroups/:id/assignments',
    summary: 'Assign an open workgroup to a user in your subtree from a start date (no overlap with their live assignment of it)',
    status: 201,
    params: WorkgroupParams,
    body: AssignWorkgroupBody,
    response: WorkgroupAssignment,
  }),
  editWorkgroupAssignment: endpoint({
    ...cim,
    method: 'PATCH',
    path: '/v1/workgroups/:id/assignments/:assignmentId',
    summary: "Change the start and end dates of a user's live assignment of a workgroup",
    params: WorkgroupAssignmentParams,
    body: EditWorkgroupDatesBody,
    response: WorkgroupAssignment,
  }),
  removeWorkgroupAssignment: endpoint({
    ...cim,
    method: 'DELETE',
    path: '/v1/workgroups/:id/assignments/:assignmentId',
    summary: "Remove a user's live assignment of a workgroup",
    params: WorkgroupAssignmentParams,
    response: RemovedWorkgroupAssignment,
  }),
  closeWorkgroup: endpoint({
    ...cim,
    method: 'POST',
    path: '/v1/workgroups/:id/close',
    summary: 'Close a workgroup: its live assignments end today and it can no longer be assigned',
    params: WorkgroupParams,
    body: CloseWorkgroupBody,
    response: Workgroup,
  }),
  userWorkgroups: endpoint({
    ...cim,
    method: 'GET',
    path: '/v1/users/:uuid/workgroups',
    summary: "A user's live workgroup assignments",
    params: UserUuidParams,
    response: UserWorkgroups,
  }),
} as const;
