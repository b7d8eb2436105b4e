import { ConfirmEmailBody, OrganisationCodeParams, OrganisationDetail, UserHistory } from './cim-profile.js';
import { endpoint } from './endpoint.js';
import { ContactDetails, UserUuidParams } from './service-cim.js';

// Care Identity Management: a user's history and one organisation in the tree.

export const PROFILE_ENDPOINTS = {
  userHistory: endpoint({
    method: 'GET',
    path: '/v1/users/:uuid/history',
    summary: "A user's history (the audit entries about them): for the user themself, and RA staff, sponsors and ID checkers in scope",
    tag: 'cim',
    auth: 'session',
    viaAgent: true,
    params: UserUuidParams,
    response: UserHistory,
  }),
  organisation: endpoint({
    method: 'GET',
    path: '/v1/organisations/:code',
    summary: 'One organisation by its code: its ancestors, child organisations and positions',
    tag: 'directory',
    auth: 'session',
    viaAgent: true,
    params: OrganisationCodeParams,
    response: OrganisationDetail,
  }),
  confirmContactEmail: endpoint({
    method: 'POST',
    path: '/v1/me/contact/email-code',
    summary: 'Confirm a new email address of your own with the 6-digit code sent to it (valid 15 minutes, 5 tries); only then does it take effect',
    tag: 'cim',
    auth: 'session',
    viaAgent: true,
    body: ConfirmEmailBody,
    response: ContactDetails,
  }),
} as const;
