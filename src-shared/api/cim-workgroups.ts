import { z } from 'zod';
import { IsoDate, IsoDateTime, OrganisationSummary, Uuid } from './service-common.js';

// Workgroups (CIM "Manage workgroups", RAM and RAA(A)): named groups of people at an
// organisation, assigned to users for a period. A closed workgroup keeps its members' history
// but can no longer be assigned.

export const WORKGROUP_NAME_MAX = 100;
export const WORKGROUP_DESCRIPTION_MAX = 500;

const PersonRef = z.strictObject({ uuid: Uuid, name: z.string() });

export const Workgroup = z.strictObject({
  id: z.number().int().positive(),
  name: z.string(),
  description: z.string(),
  organisation: OrganisationSummary,
  status: z.enum(['open', 'closed']),
  createdAt: IsoDateTime,
  closedAt: IsoDateTime.nullable(),
  /** Assignments not removed and not past their end date (one starting later counts). */
  liveAssignments: z.number().int().nonnegative(),
});
export type Workgroup = z.infer<typeof Workgroup>;

export const WorkgroupAssignment = z.strictObject({
  id: z.number().int().positive(),
  user: PersonRef,
  startDate: IsoDate,
  endDate: IsoDate.nullable(),
});
export type WorkgroupAssignment = z.infer<typeof WorkgroupAssignment>;

/** One line of a workgroup's history, read from the audit log entries about the workgroup. */
export const WorkgroupEvent = z.strictObject({
  at: IsoDateTime,
  kind: z.enum(['created', 'assigned', 'dates-edited', 'removed', 'closed']),
  /** Who did it; null when the audit entry names nobody the directory knows. */
  by: PersonRef.nullable(),
  /** The member an assignment event is about. */
  user: PersonRef.nullable(),
  startDate: IsoDate.nullable(),
  endDate: IsoDate.nullable(),
  /** On closing: how many live assignments it ended. */
  endedAssignments: z.number().int().nonnegative().nullable(),
});
export type WorkgroupEvent = z.infer<typeof WorkgroupEvent>;

export const WorkgroupDetail = z.strictObject({
  workgroup: Workgroup,
  /** The live assignments, by start date. */
  members: z.array(WorkgroupAssignment),
  /** Oldest first. */
  history: z.array(WorkgroupEvent),
});
export type WorkgroupDetail = z.infer<typeof WorkgroupDetail>;

const OrganisationCode = z.string().trim().min(1, 'enter an organisation code').max(20);
const WorkgroupName = z.string().trim().min(1, 'enter a name').max(WORKGROUP_NAME_MAX);

export const CreateWorkgroupBody = z.strictObject({
  organisationCode: OrganisationCode,
  name: WorkgroupName,
  description: z.string().trim().min(1, 'enter a description').max(WORKGROUP_DESCRIPTION_MAX),
});

/** Without an organisation: the session's own. */
export const ListWorkgroupsQuery = z.strictObject({
  organisationCode: OrganisationCode.optional(),
  /** Only workgroups whose name contains this. */
  name: z.string().trim().min(1).max(WORKGROUP_NAME_MAX).optional(),
  includeClosed: z.stringbool().default(false),
});
export const WorkgroupList = z.strictObject({ organisation: OrganisationSummary, workgroups: z.array(Workgroup) });

export const WorkgroupParams = z.strictObject({ id: z.coerce.number().int().positive() });
export const WorkgroupAssignmentParams = z.strictObject({
  id: z.coerce.number().int().positive(),
  assignmentId: z.coerce.number().int().positive(),
});

const assignmentDates = { startDate: IsoDate, endDate: IsoDate.nullable().default(null) };
const endNotBeforeStart = (b: { startDate: string; endDate: string | null }): boolean => b.endDate === null || b.endDate >= b.startDate;
const END_BEFORE_START = { message: 'the end date must be the same as or after the start date', path: ['endDate'] };

export const AssignWorkgroupBody = z.strictObject({ userUuid: Uuid, ...assignmentDates }).refine(endNotBeforeStart, END_BEFORE_START);
export const EditWorkgroupDatesBody = z.strictObject(assignmentDates).refine(endNotBeforeStart, END_BEFORE_START);

/** The count of live assignments the user was warned will end today; a different count refuses (409). */
export const CloseWorkgroupBody = z.strictObject({ endingAssignments: z.number().int().nonnegative() });

export const RemovedWorkgroupAssignment = z.strictObject({ removed: WorkgroupAssignment });

/** A user's live workgroup assignments; `manageable`: the workgroup is in the session's scope. */
export const UserWorkgroups = z.strictObject({
  user: PersonRef,
  assignments: z.array(z.strictObject({ id: z.number().int().positive(), workgroup: Workgroup, startDate: IsoDate, endDate: IsoDate.nullable(), manageable: z.boolean() })),
});
export type UserWorkgroups = z.infer<typeof UserWorkgroups>;
