import { z } from 'zod';
import { Email, IsoDate, IsoDateTime, Mobile, NiNumber, PersonName, Uuid } from './service-common.js';

// Requests: everything waiting for a registration authority decision, in one list (the CIM
// "Manage requests" task). Four kinds: a user's request for access positions, a sponsor's
// request to change a user's details, a sponsor's request to close or reopen a profile, and the
// create-user and modify-user requests the NHS workforce system (ESR) sends.

export const RequestKind = z.enum(['position', 'detail-change', 'profile-status', 'esr']);
export type RequestKind = z.infer<typeof RequestKind>;

/** A position request's 'granted' is shown here as 'accepted': one word for every kind. */
export const RequestStatus = z.enum(['pending', 'accepted', 'rejected']);
export type RequestStatus = z.infer<typeof RequestStatus>;

export const RequestsQuery = z.strictObject({
  kind: RequestKind.optional(),
  status: RequestStatus.default('pending'),
});

const Person = z.strictObject({ uuid: Uuid, name: z.string() });

/** One request as the list and its page show it: what is asked, about whom, and whether this session may decide it. */
export const WaitingRequest = z.strictObject({
  kind: RequestKind,
  id: z.number().int().positive(),
  status: RequestStatus,
  /** The user the request is about; null for an ESR create-user request not yet accepted. */
  user: Person.nullable(),
  /** Who the request is about, in words (an ESR create names the person to be created). */
  subjectName: z.string(),
  organisation: z.string().nullable(),
  /** What is asked, in one line. */
  summary: z.string(),
  /** The request's particulars, label and value, in the order they are shown. */
  details: z.array(z.strictObject({ label: z.string(), value: z.string() })),
  requestedAt: IsoDateTime,
  requestedBy: z.string().nullable(),
  /** The reason given with the request (a close or reopen request), or for a rejection. */
  reason: z.string().nullable(),
  /** An ESR create-user request for someone who already has a profile: that profile (the request cannot be accepted). */
  existingProfile: Person.nullable(),
  /** Whether this session may accept (or grant) and reject it; when not, why. */
  mayDecide: z.boolean(),
  whyNot: z.string().nullable(),
});
export type WaitingRequest = z.infer<typeof WaitingRequest>;

const RequestCounts = z.strictObject({ position: z.number().int(), 'detail-change': z.number().int(), 'profile-status': z.number().int(), esr: z.number().int() });

export const RequestsResponse = z.strictObject({
  /** Per kind, how many requests have the status asked for (whatever the kind filter). */
  counts: RequestCounts,
  requests: z.array(WaitingRequest),
  /** More requests of that status exist than are listed (the oldest are listed first). */
  truncated: z.boolean(),
});

export const RequestParams = z.strictObject({ kind: RequestKind, id: z.coerce.number().int().positive() });
export const DecisionParams = z.strictObject({ id: z.coerce.number().int().positive() });

// ESR records. One flat record for both file formats: a JSON array of these objects, or a CSV
// file whose header names these fields (an empty cell is an absent field). See
// docs/esr-feed.md and the example src-service/seed/training-esr.json.

/** ESR's assignment number: the key a record is imported under once. */
const EsrId = z.string().trim().regex(/^[A-Za-z0-9-]{1,40}$/, 'must be 1 to 40 letters, digits or hyphens');
const OdsCode = z.string().trim().regex(/^[A-Za-z0-9]{2,10}$/, 'not an organisation (ODS) code');
const PositionTitle = z.string().trim().min(1).max(100);

export const EsrCreateRecord = z.strictObject({
  esrId: EsrId,
  kind: z.literal('create'),
  givenName: PersonName,
  familyName: PersonName,
  dateOfBirth: IsoDate,
  niNumber: NiNumber,
  email: Email.optional(),
  mobile: Mobile.optional(),
  odsCode: OdsCode,
  positionTitle: PositionTitle.optional(),
});

export const EsrModifyRecord = z
  .strictObject({
    esrId: EsrId,
    kind: z.literal('modify'),
    /** The user to change: their current NI number, or their profile's UUID. */
    userNiNumber: NiNumber.optional(),
    userUuid: Uuid.optional(),
    // The changed fields.
    givenName: PersonName.optional(),
    familyName: PersonName.optional(),
    niNumber: NiNumber.optional(),
    dateOfBirth: IsoDate.optional(),
    email: Email.optional(),
    mobile: Mobile.optional(),
  })
  .refine((r) => r.userNiNumber !== undefined || r.userUuid !== undefined, { message: 'name the user by userNiNumber or userUuid', path: ['userNiNumber'] })
  .refine((r) => [r.givenName, r.familyName, r.niNumber, r.dateOfBirth, r.email, r.mobile].some((v) => v !== undefined), {
    message: 'a modify record changes at least one of givenName, familyName, niNumber, dateOfBirth, email, mobile',
    path: ['kind'],
  });

export type EsrRecord = z.infer<typeof EsrCreateRecord> | z.infer<typeof EsrModifyRecord>;

/** The fields of a record, in the order the CSV header lists them. */
export const ESR_FIELDS = [
  'esrId',
  'kind',
  'givenName',
  'familyName',
  'dateOfBirth',
  'niNumber',
  'email',
  'mobile',
  'odsCode',
  'positionTitle',
  'userNiNumber',
  'userUuid',
] as const;

/** An ESR file through the API: its text, as read from the file (within the service's body limit). */
export const EsrImportBody = z.strictObject({
  format: z.enum(['json', 'csv']),
  content: z.string().min(1).max(60_000),
});

export const EsrImportResponse = z.strictObject({
  /** Records stored as pending requests. */
  imported: z.number().int(),
  /** Records whose ESR id had been imported before: ignored. */
  duplicates: z.number().int(),
  duplicateEsrIds: z.array(z.string()),
});
export type EsrImportResponse = z.infer<typeof EsrImportResponse>;
