import { z } from 'zod';
import { RoleCode } from '../domain/roles.js';
import { IsoDate, IsoDateTime, OrganisationSummary, PositionSummary, Uuid } from './service-common.js';
import { PositionRequest } from './service-cim.js';

// Care Identity Management access positions: what may be requested for a user, the paged
// Position Request List, direct assignments and an organisation's positions.

const OrgCode = z.string().trim().min(1).max(20);
const PositionTitle = z.string().trim().min(1).max(100);
const JobRole = z.string().trim().min(1).max(100);
const Id = z.number().int().positive();

/** ?organisation=CODE: which of the offered organisations to show (the first when omitted). */
export const OrganisationChoiceQuery = z.strictObject({ organisation: OrgCode.optional() });

/** The open positions that may be requested for a user at one of their organisations. */
export const RequestablePositions = z.strictObject({
  user: z.strictObject({ uuid: Uuid, name: z.string() }),
  /** The user's organisations the caller may request positions at (the caller's scope). */
  organisations: z.array(OrganisationSummary),
  organisation: OrganisationSummary.nullable(),
  positions: z.array(PositionSummary),
});

/** The Position Request List, a page at a time, waiting requests oldest first. */
export const PositionRequestPageQuery = z.strictObject({
  status: z.enum(['pending', 'granted', 'rejected']).default('pending'),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  /** The `nextCursor` of the page before (opaque). */
  cursor: z.string().regex(/^[A-Za-z0-9_-]{1,200}$/, 'not a cursor from this list').optional(),
});
export const PositionRequestPage = z.strictObject({
  requests: z.array(PositionRequest),
  /** How many requests the whole list holds. */
  total: z.number().int().nonnegative(),
  nextCursor: z.string().nullable(),
});

const AssignmentState = z.enum(['current', 'upcoming', 'ended', 'removed']);
export const Assignment = z.strictObject({
  id: Id,
  position: PositionSummary,
  startDate: IsoDate,
  endDate: IsoDate.nullable(),
  removedAt: IsoDateTime.nullable(),
  state: AssignmentState,
});
export type Assignment = z.infer<typeof Assignment>;

export const AssignmentsQuery = z.strictObject({ include: z.enum(['active', 'all']).default('active') });
export const UserAssignments = z.strictObject({
  user: z.strictObject({ uuid: Uuid, name: z.string() }),
  assignments: z.array(Assignment),
});
export const AssignmentParams = z.strictObject({ uuid: Uuid, id: z.coerce.number().int().positive() });

export const AssignPositionBody = z
  .strictObject({
    positionId: Id,
    startDate: IsoDate,
    /** Omitted: the fixed term from the start date. */
    endDate: IsoDate.optional(),
  })
  .refine((b) => b.endDate === undefined || b.endDate >= b.startDate, { message: 'the end date must not be before the start date', path: ['endDate'] });

const redate = { startDate: IsoDate.optional(), endDate: IsoDate.optional() };
const changesSomething = (b: { startDate?: string | undefined; endDate?: string | undefined }): boolean => b.startDate !== undefined || b.endDate !== undefined;
const NOTHING = { message: 'give a start date or an end date', path: ['startDate'] };
export const EditAssignmentBody = z.strictObject(redate).refine(changesSomething, NOTHING);

/** Several assignments of one profile changed at once: all or none. */
export const AssignmentChangesBody = z.strictObject({
  changes: z
    .array(
      z.union([
        z.strictObject({ id: Id, action: z.literal('remove') }),
        z.strictObject({ id: Id, action: z.literal('redate'), ...redate }).refine(changesSomething, NOTHING),
      ]),
    )
    .min(1)
    .max(100),
});

const PositionWorkgroup = z.strictObject({ id: Id, name: z.string() });
export const PositionDetail = z.strictObject({
  ...PositionSummary.shape,
  closed: z.boolean(),
  workgroups: z.array(PositionWorkgroup),
  /** People whose assignment of this position holds today or later (what closing it ends). */
  currentHolders: z.number().int().nonnegative(),
});
export type PositionDetail = z.infer<typeof PositionDetail>;

export const OrganisationPositionsQuery = z.strictObject({
  organisation: OrgCode.optional(),
  status: z.enum(['open', 'closed', 'all']).default('all'),
});
export const OrganisationPositions = z.strictObject({
  /** Organisations in the caller's scope to choose from. */
  organisations: z.array(OrganisationSummary),
  organisation: OrganisationSummary,
  positions: z.array(PositionDetail),
  /** The organisation's open workgroups a position may carry. */
  workgroups: z.array(PositionWorkgroup),
});

export const PositionIdParams = z.strictObject({ id: z.coerce.number().int().positive() });
const positionFields = {
  title: PositionTitle,
  jobRole: JobRole,
  roles: z.array(RoleCode).max(6),
  assignable: z.boolean(),
  workgroupIds: z.array(Id).max(50),
};
export const CreatePositionBody = z.strictObject({ organisation: OrgCode, ...positionFields });
export const EditPositionBody = z
  .strictObject(z.strictObject(positionFields).partial().shape)
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change', path: ['title'] });
export const CopyPositionBody = z.strictObject({ title: PositionTitle });
export const AssignableChangesBody = z.strictObject({
  changes: z.array(z.strictObject({ id: Id, assignable: z.boolean() })).min(1).max(200),
});
export const PositionList = z.strictObject({ positions: z.array(PositionDetail) });
export const ClosePositionResponse = z.strictObject({
  position: PositionDetail,
  endedAssignments: z.number().int().nonnegative(),
  rejectedRequests: z.number().int().nonnegative(),
});

/** The reason a waiting request is given when its position is closed. */
export const POSITION_CLOSED_REASON = 'The position was closed';
