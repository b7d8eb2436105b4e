import { z } from 'zod';
import { IsoDate, IsoDateTime, OrganisationSummary, PositionSummary, Uuid } from './service-common.js';
import { PositionRequest, Profile, ProfileAssignment } from './service-cim.js';

// A profile as one viewer sees it (GET /v1/users/:uuid), a user's history, and one organisation
// with its place in the tree ("Find an organisation").

/**
 * Where an assignment stands today: current (started, not ended), future (starts later),
 * expired (past its end date) or removed (taken away before its end). Expired and removed ones
 * reach only viewers with view-ended-assignments.
 */
export const AssignmentState = z.enum(['current', 'future', 'expired', 'removed']);
export type AssignmentState = z.infer<typeof AssignmentState>;

const ViewedAssignment = ProfileAssignment.extend({ state: AssignmentState });

/** How the viewer may do something: directly, only by raising a request, or not at all. */
const DirectOrRequest = z.enum(['direct', 'by-request']).nullable();

/**
 * What the viewer may do to this profile, worked out by the service from the role matrix and the
 * viewer's scope. The pages offer only these; the service checks each call again anyway.
 */
export const ProfilePermissions = z.strictObject({
  changeDetails: DirectOrRequest,
  closeReopen: DirectOrRequest,
  /** "Add access positions": a request, for yourself or for someone in your scope. */
  addPositions: z.boolean(),
  /** Assign positions directly: all of them, or (sponsors) only assignable ones. */
  assignPositions: z.enum(['direct', 'assignable-only']).nullable(),
  manageMultiple: z.boolean(),
  viewEnded: z.boolean(),
  manageWorkgroups: z.boolean(),
  viewHistory: z.boolean(),
});
export type ProfilePermissions = z.infer<typeof ProfilePermissions>;

/** A change to this user's details or status that waits for RA approval. */
const PendingChange = z.strictObject({
  kind: z.enum(['details', 'close', 'reopen']),
  /** For a details change: which details ('givenName', 'email', ...). */
  fields: z.array(z.string()),
  requestedAt: IsoDateTime,
});

const ProfileWorkgroup = z.strictObject({
  id: z.number().int().positive(),
  name: z.string(),
  organisation: OrganisationSummary,
  startDate: IsoDate,
  endDate: IsoDate.nullable(),
});

/**
 * GET /v1/users/:uuid. Every signed-in user sees the directory part of anyone they found (name,
 * organisations, current positions): `access: 'directory'`, with the personal details, cards,
 * authenticators, history and ended assignments left out (nulls and empty lists). The rest
 * follows role and scope: `access: 'full'`.
 */
export const ProfileView = Profile.extend({
  access: z.enum(['full', 'directory']),
  /** The home organisation first, then those of the current and future positions. */
  organisations: z.array(OrganisationSummary),
  assignments: z.array(ViewedAssignment),
  may: ProfilePermissions,
  pendingChanges: z.array(PendingChange),
  /** The user's own position requests, newest first: waiting, granted or rejected (with the reason). */
  positionRequests: z.array(PositionRequest),
  workgroups: z.array(ProfileWorkgroup),
});
export type ProfileView = z.infer<typeof ProfileView>;

const HistoryEntry = z.strictObject({
  at: IsoDateTime,
  /** The audit action, as the service names it ('user-details.changed'). */
  action: z.string(),
  /** Who did it; null for the service itself. */
  actor: z.strictObject({ uuid: Uuid, name: z.string() }).nullable(),
});
export const UserHistory = z.strictObject({ entries: z.array(HistoryEntry), truncated: z.boolean() });

export const OrganisationCodeParams = z.strictObject({ code: z.string().trim().min(1).max(20) });

const OrganisationLink = z.strictObject({ code: z.string(), name: z.string(), kind: OrganisationSummary.shape.kind });

export const OrganisationDetail = z.strictObject({
  organisation: OrganisationSummary,
  /** From the top of the tree down to the parent. */
  ancestors: z.array(OrganisationLink),
  children: z.array(OrganisationLink),
  positions: z.array(
    PositionSummary.pick({ id: true, title: true, jobRole: true, roles: true, assignable: true }).extend({
      /** How many people hold it today. */
      holders: z.number().int().nonnegative(),
    }),
  ),
});
export type OrganisationDetail = z.infer<typeof OrganisationDetail>;

/** POST /v1/me/contact/email-code: the six-digit code sent to the new email address. */
export const ConfirmEmailBody = z.strictObject({ code: z.string().trim().regex(/^\d{6}$/, 'the code is 6 digits') });
