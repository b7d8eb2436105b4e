import { CreatedUser, CreateUserBody, PendingProfileStatus, ProfileStatusBody, ProfileStatusResponse } from './cim-users.js';
import { endpoint } from './endpoint.js';
import { UserUuidParams } from './service-cim.js';

// Managing user profiles (src-service/http/routes-users.ts).

export const USERS_ENDPOINTS = {
  createUser: endpoint({
    method: 'POST',
    path: '/v1/users',
    summary: 'Create a new user profile (409 with the existing profile when the NI number and date of birth already have one)',
    tag: 'cim',
    auth: 'session',
    viaAgent: true,
    status: 201,
    body: CreateUserBody,
    response: CreatedUser,
  }),
  closeProfile: endpoint({
    method: 'POST',
    path: '/v1/users/:uuid/close',
    summary: "Close a user profile, ending the user's sessions (202 when a sponsor's close is stored as a request)",
    tag: 'cim',
    auth: 'session',
    viaAgent: true,
    params: UserUuidParams,
    body: ProfileStatusBody,
    response: ProfileStatusResponse,
  }),
  reopenProfile: endpoint({
    method: 'POST',
    path: '/v1/users/:uuid/reopen',
    summary: "Reopen a closed user profile (202 when a sponsor's reopen is stored as a request)",
    tag: 'cim',
    auth: 'session',
    viaAgent: true,
    params: UserUuidParams,
    body: ProfileStatusBody,
    response: ProfileStatusResponse,
  }),
  profileStatusRequest: endpoint({
    method: 'GET',
    path: '/v1/users/:uuid/status-request',
    summary: "The request to close or reopen a user's profile that is waiting for RA staff, if any",
    tag: 'cim',
    auth: 'session',
    viaAgent: true,
    params: UserUuidParams,
    response: PendingProfileStatus,
  }),
} as const;
