// The address of every CIM page, in one place: pages link with these (as `#` + path: the
// router keeps its paths in the location hash, so they work the same over http:// and
// Electron's app://, and Back, reload and deep links work in both shells). The router's table
// is src-renderer/cim/cim-routes.tsx.

/** Your own contact details that you may change (with your smartcard's approval). */
export type ContactField = 'email' | 'mobile';

export const CIM_PATHS = {
  home: '/cim',
  findUser: '/cim/find-user',
  findOrganisation: '/cim/organisations',
  organisation: (id: number | string) => `/cim/organisations/${id}`,
  myProfile: '/cim/my-profile',
  changeMyContact: (field: ContactField) => `/cim/my-profile/change-${field}`,
  userProfile: (uuid: string) => `/cim/users/${uuid}`,
  /** A tab of a profile other than Details (its slug: 'positions', 'history', ...). */
  userProfileTab: (uuid: string, tab: string) => `/cim/users/${uuid}/${tab}`,
  myProfileTab: (tab: string) => `/cim/my-profile/${tab}`,
  createUser: '/cim/create-user',
  changeUserDetails: (uuid: string) => `/cim/users/${uuid}/change-details`,
  closeProfile: (uuid: string) => `/cim/users/${uuid}/close`,
  reopenProfile: (uuid: string) => `/cim/users/${uuid}/reopen`,
  /** "Add access positions": a request, for yourself or (sponsors and RA staff) for another user. */
  addMyPositions: '/cim/my-profile/add-positions',
  addPositions: (uuid: string) => `/cim/users/${uuid}/add-positions`,
  /** Assign, edit dates of, and remove a user's position assignments directly. */
  manageAssignments: (uuid: string) => `/cim/users/${uuid}/assignments`,
  positionRequests: '/cim/position-requests',
  managePositions: '/cim/positions',
  workgroups: '/cim/workgroups',
  createWorkgroup: '/cim/workgroups/create',
  workgroup: (id: number | string) => `/cim/workgroups/${id}`,
  assignWorkgroup: (id: number | string) => `/cim/workgroups/${id}/assign`,
  workgroupAssignmentDates: (id: number | string, assignmentId: number | string) => `/cim/workgroups/${id}/assignments/${assignmentId}/dates`,
  removeWorkgroupAssignment: (id: number | string, assignmentId: number | string) => `/cim/workgroups/${id}/assignments/${assignmentId}/remove`,
  closeWorkgroup: (id: number | string) => `/cim/workgroups/${id}/close`,
  userWorkgroups: (uuid: string) => `/cim/users/${uuid}/workgroups`,
  assignUserWorkgroup: (uuid: string) => `/cim/users/${uuid}/workgroups/assign`,
  batch: '/cim/batch',
  requests: '/cim/requests',
  /** One request of the Requests list, by kind ('position', 'detail-change', 'profile-status', 'esr') and id. */
  request: (kind: string, id: number | string) => `/cim/requests/${kind}/${id}`,
  importEsr: '/cim/requests/import-esr',
  /** The smartcard lifecycle: issue a new card to a user; repair, clear or cancel one of theirs. */
  issueSmartcard: (uuid: string) => `/cim/users/${uuid}/smartcards/issue`,
  smartcardAction: (uuid: string, cardUuid: string, action: 'repair' | 'clear' | 'cancel') => `/cim/users/${uuid}/smartcards/${cardUuid}/${action}`,
  /** Authenticators other than the smartcard: choose a type, its instructions, remove one. */
  addAuthenticator: (uuid: string) => `/cim/users/${uuid}/authenticators/add`,
  authenticatorInstructions: (uuid: string, kind: string) => `/cim/users/${uuid}/authenticators/add/${kind}`,
  removeAuthenticator: (uuid: string, id: number | string) => `/cim/users/${uuid}/authenticators/${id}/remove`,
  reports: '/cim/reports',
  report: (id: string) => `/cim/reports/${id}`,
  /** Apply for Care ID (its own address, outside CIM's pages): start, log in, the dashboard. */
  applyStart: '/apply',
  applyLogIn: '/apply/log-in',
  applyHome: '/apply/home',
  applySettings: '/apply/settings',
  applySettingsEmail: '/apply/settings/email',
  applyNew: '/apply/new',
  /** A later step of New application: 'address-choice', 'address', 'notes', 'check', 'submitted'. */
  applyNewStep: (step: string) => `/apply/new/${step}`,
  applySearch: '/apply/search',
  applyApplication: (reference: string) => `/apply/applications/${reference}`,
  applyCancelApplication: (reference: string) => `/apply/applications/${reference}/cancel`,
  applyBulk: '/apply/bulk',
  /** ID checkers and RA staff: applications ready for checking; the RA's cards to issue. */
  checkApplications: '/cim/applications',
  checkApplication: (reference: string) => `/cim/applications/${reference}`,
  cardsToIssue: '/cim/cards-to-issue',
} as const;

/** An `href` for a CIM path. */
export const hrefOf = (path: string): string => `#${path}`;
