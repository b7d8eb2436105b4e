import { z } from 'zod';
import { DateOfBirth } from './cim-users.js';
import { Email, IsoDateTime, Mobile, NiNumber, PersonName, Uuid } from './service-common.js';

// Apply for Care ID: a sponsor applies for a new member of staff, the applicant confirms their
// details and proves their identity through emailed and texted links, an ID checker approves,
// and the RA issues the card (seed 003, "Apply for Care ID system", "Manage the application
// process"; domain.md, "Apply for Care ID"). Every contract of it is here, once.

/** How long an applicant may leave their steps before the application needs its invite resent. */
export const RESEND_AFTER_DAYS = 3;
/** How long an applicant's emailed or texted link lasts from when it is sent. */
export const APPLICANT_LINK_VALID_DAYS = 14;
/** The largest identity document or photograph taken, and the smallest a readable photo can be. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
export const MIN_UPLOAD_BYTES = 10 * 1024;
/** The image types taken for identity documents and the photograph of the face. */
export const UPLOAD_MIME_TYPES = ['image/jpeg', 'image/png'] as const;
/** Rows one bulk invitation file may hold. */
export const MAX_BULK_ROWS = 1000;
/** Applications on one page of the dashboard or the search results. */
export const APPLICATIONS_PAGE_SIZE = 25;

/** The application ID people read out and search for: "ACI-" and eight letters and digits. */
export const ApplicationReference = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^ACI-[0-9A-HJ-NP-Z]{8}$/, 'an application ID looks like ACI-7K3M9Q2P');
export const ApplicationParams = z.strictObject({ reference: ApplicationReference });

/**
 * Where an application stands. 'in-progress' covers everything before a decision (the applicant
 * acting, or waiting for the ID check); 'done' is the Marked as done list (doneFrom says which
 * list it left).
 */
export const ApplicationStatus = z.enum(['in-progress', 'approved', 'duplicate', 'rejected', 'cancelled', 'done']);
export type ApplicationStatus = z.infer<typeof ApplicationStatus>;

/**
 * The dashboard's tabs. Each application is in exactly one: an in-progress application whose
 * applicant has not finished their steps and has not acted for RESEND_AFTER_DAYS is in
 * 'resend-required', not 'in-progress'.
 */
export const DashboardTab = z.enum(['resend-required', 'in-progress', 'approved', 'duplicates', 'rejected', 'cancelled', 'done']);
export type DashboardTab = z.infer<typeof DashboardTab>;
export const DASHBOARD_TAB_NAMES: Record<DashboardTab, string> = {
  'resend-required': 'Resend required',
  'in-progress': 'In progress',
  approved: 'Approved',
  duplicates: 'Duplicates',
  rejected: 'Rejected',
  cancelled: 'Cancelled',
  done: 'Marked as done',
};

/** A step's progress as the sponsor sees it. */
export const StepState = z.enum(['not-started', 'in-progress', 'completed']);
export const STEP_STATE_NAMES: Record<z.infer<typeof StepState>, string> = { 'not-started': 'Not started', 'in-progress': 'In progress', completed: 'Completed' };

/** The applicant's personal details, as the sponsor enters them and the applicant corrects them. */
export const ApplicantDetails = z.strictObject({
  givenName: PersonName,
  familyName: PersonName,
  dateOfBirth: DateOfBirth,
  niNumber: NiNumber,
  email: Email,
  mobile: Mobile,
});
export type ApplicantDetails = z.infer<typeof ApplicantDetails>;

/** A UK delivery address: a work address must name the department or ward (seed 003). */
export const DeliveryAddress = z.strictObject({
  line1: z.string().trim().min(1).max(100),
  line2: z.string().trim().max(100).optional(),
  town: z.string().trim().min(1).max(60),
  postcode: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/, 'enter a real postcode, like LS1 4AP'),
});
export type DeliveryAddress = z.infer<typeof DeliveryAddress>;

/**
 * The access the new user needs (the Notes page): a position at the sponsor's own organisation,
 * or a colleague whose access is to be copied (their name and smartcard number), with notes.
 */
const RequestedAccess = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('position'), positionId: z.number().int().positive() }),
  z.strictObject({
    kind: z.literal('copy'),
    colleagueName: PersonName,
    /** The number printed on the colleague's smartcard (its serial). */
    colleagueCardNumber: z.string().trim().min(1).max(40),
  }),
]);

/**
 * POST /v1/apply/applications. `deliveryAddress` is given when the sponsor answered No to "Do you
 * want the applicant to provide a delivery address?" and absent when the applicant provides it.
 */
export const NewApplicationBody = z.strictObject({
  applicant: ApplicantDetails,
  applicantProvidesAddress: z.boolean(),
  deliveryAddress: DeliveryAddress.optional(),
  access: RequestedAccess,
  notes: z.string().trim().max(1000).default(''),
});
export type NewApplicationBody = z.infer<typeof NewApplicationBody>;

export const ApplicationCreated = z.strictObject({
  reference: ApplicationReference,
  status: ApplicationStatus,
  /** Set when a profile already exists for the NI number and date of birth: no invite was sent. */
  duplicateOf: z.strictObject({ uuid: Uuid, name: z.string() }).nullable(),
});

/** One row of the dashboard or of the search results. */
export const ApplicationSummary = z.strictObject({
  reference: ApplicationReference,
  applicantName: z.string(),
  email: z.string(),
  status: ApplicationStatus,
  tab: DashboardTab,
  raisedBy: z.string(),
  raisedByMe: z.boolean(),
  raisedAt: IsoDateTime,
  organisation: z.strictObject({ code: z.string(), name: z.string() }),
  /** When the applicant last had an invite, or last acted. */
  lastActivityAt: IsoDateTime,
  rejectionReason: z.string().nullable(),
});
export type ApplicationSummary = z.infer<typeof ApplicationSummary>;

export const DashboardQuery = z.strictObject({
  tab: DashboardTab.default('in-progress'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
const TabCounts = z.strictObject(Object.fromEntries(DashboardTab.options.map((t) => [t, z.number().int().nonnegative()])) as Record<DashboardTab, z.ZodNumber>);
export const DashboardResponse = z.strictObject({
  counts: TabCounts,
  tab: DashboardTab,
  page: z.number().int().positive(),
  pageSize: z.number().int().positive(),
  total: z.number().int().nonnegative(),
  applications: z.array(ApplicationSummary),
});

/** Search applications: name, email address or application ID; "Applications I have raised". */
export const SearchApplicationsQuery = z.strictObject({
  query: z.string().trim().min(1).max(100),
  mine: z.enum(['true', 'false']).default('false').transform((v) => v === 'true'),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
});
export const SearchApplicationsResponse = z.strictObject({
  total: z.number().int().nonnegative(),
  page: z.number().int().positive(),
  pageSize: z.number().int().positive(),
  applications: z.array(ApplicationSummary),
});

/** The sponsor's view of one application: its steps, never the identity documents. */
export const ApplicationDetail = z.strictObject({
  summary: ApplicationSummary,
  applicant: ApplicantDetails,
  applicantProvidesAddress: z.boolean(),
  deliveryAddress: DeliveryAddress.nullable(),
  access: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('position'), positionId: z.number().int().positive(), title: z.string(), organisation: z.string() }),
    z.strictObject({ kind: z.literal('copy'), colleagueName: z.string(), colleagueCardNumber: z.string() }),
  ]),
  notes: z.string(),
  steps: z.strictObject({
    /** The emailed link: confirm personal details (and the delivery address). */
    confirmDetails: StepState,
    /** The texted link: identity documents and photograph. */
    identityCheck: StepState,
    /** The ID checker's decision. */
    idCheck: StepState,
  }),
  invitesSent: z.number().int().nonnegative(),
  lastInvitedAt: IsoDateTime.nullable(),
  /** What the viewer may do now (the service checks again on each action). */
  canResend: z.boolean(),
  canCancel: z.boolean(),
  canMarkDone: z.boolean(),
  duplicateOf: z.strictObject({ uuid: Uuid, name: z.string() }).nullable(),
  createdUser: z.strictObject({ uuid: Uuid, name: z.string() }).nullable(),
});
export type ApplicationDetail = z.infer<typeof ApplicationDetail>;

export const ResendSelectedBody = z.strictObject({ references: z.array(ApplicationReference).min(1).max(APPLICATIONS_PAGE_SIZE * 4) });
export const ResendResponse = z.strictObject({ resent: z.array(ApplicationReference) });
export const CancelApplicationBody = z.strictObject({ reason: z.string().trim().max(500).default('') });
export const ApplicationStatusResponse = z.strictObject({ reference: ApplicationReference, status: ApplicationStatus });

/** The sponsor's settings: the email address applicants may write to with their queries. */
export const ApplySettings = z.strictObject({
  queryEmail: z.string().nullable(),
  /** The address on the sponsor's own profile, offered as "the current email address". */
  profileEmail: z.string().nullable(),
  /** An address waiting for its 6-digit code, if any. */
  pendingEmail: z.string().nullable(),
});
export const SettingsEmailBody = z.strictObject({ email: Email });
export const SettingsEmailSent = z.strictObject({ sentTo: z.string(), expiresAt: IsoDateTime });
export const SettingsEmailCodeBody = z.strictObject({ code: z.string().trim().regex(/^\d{6}$/, 'the security code is 6 digits') });

/** The positions a sponsor may request: only at the organisation (ODS code) they work under now. */
export const AccessOptions = z.strictObject({
  organisation: z.strictObject({ code: z.string(), name: z.string() }),
  positions: z.array(z.strictObject({ id: z.number().int().positive(), title: z.string(), jobRole: z.string() })),
});

/** Bulk invitations: the CSV's columns, in this order, with a header row. */
export const BULK_COLUMNS = ['given_name', 'family_name', 'date_of_birth', 'ni_number', 'email', 'mobile', 'position_id', 'notes'] as const;
export const BulkCheckBody = z.strictObject({ fileName: z.string().trim().min(1).max(200), csv: z.string().min(1).max(2_000_000) });
const BulkRowReport = z.strictObject({
  line: z.number().int().positive(),
  applicantName: z.string(),
  problems: z.array(z.string()),
});
export const BulkCheckResponse = z.strictObject({
  batchId: z.string(),
  valid: z.number().int().nonnegative(),
  invalid: z.number().int().nonnegative(),
  /** Every row, in file order, each with its problems (none for a valid row). */
  rows: z.array(BulkRowReport),
});
export const BulkBatchParams = z.strictObject({ batchId: z.string().min(1).max(64) });
export const BulkSendResponse = z.strictObject({ created: z.array(ApplicationReference), duplicates: z.array(ApplicationReference) });

/** ID checkers and RA staff: applications whose applicant has finished both steps. */
export const CheckListResponse = z.strictObject({ applications: z.array(ApplicationSummary) });
export const IdentityDocumentKind = z.enum(['passport', 'driving-licence', 'national-identity-card', 'residence-permit', 'face-photo']);
export type IdentityDocumentKind = z.infer<typeof IdentityDocumentKind>;
export const IDENTITY_DOCUMENT_NAMES: Record<IdentityDocumentKind, string> = {
  passport: 'Passport',
  'driving-licence': 'UK photocard driving licence',
  'national-identity-card': 'National identity card',
  'residence-permit': 'Biometric residence permit',
  'face-photo': 'Photograph of your face',
};
export const DocumentSummary = z.strictObject({
  id: z.number().int().positive(),
  kind: IdentityDocumentKind,
  mime: z.enum(UPLOAD_MIME_TYPES),
  sizeBytes: z.number().int().positive(),
  uploadedAt: IsoDateTime,
});
export const CheckDetail = z.strictObject({
  application: ApplicationDetail,
  documents: z.array(DocumentSummary),
  /** For "copy a colleague's access": the colleague found by smartcard number, and their current positions. */
  colleague: z
    .strictObject({
      uuid: Uuid,
      name: z.string(),
      positions: z.array(z.strictObject({ id: z.number().int().positive(), title: z.string(), organisation: z.string() })),
    })
    .nullable(),
});
export const DocumentParams = z.strictObject({ reference: ApplicationReference, documentId: z.coerce.number().int().positive() });
export const DocumentContent = z.strictObject({ mime: z.enum(UPLOAD_MIME_TYPES), base64: z.string() });
/** Approve: for a copied colleague's access, the RA's choice of their positions to assign. */
export const ApproveBody = z.strictObject({ positionIds: z.array(z.number().int().positive()).max(50).optional() });
export const ApproveResponse = z.discriminatedUnion('outcome', [
  z.strictObject({ outcome: z.literal('approved'), user: z.strictObject({ uuid: Uuid, name: z.string() }) }),
  /** A profile appeared for the NI number and date of birth since submission: now in Duplicates. */
  z.strictObject({ outcome: z.literal('duplicate'), existing: z.strictObject({ uuid: Uuid, name: z.string() }) }),
]);
export const RejectApplicationBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });

/** The RA's "cards to issue" list: approved applicants whose card is not yet posted. */
const CardToIssue = z.strictObject({
  reference: ApplicationReference,
  user: z.strictObject({ uuid: Uuid, name: z.string() }),
  organisation: z.strictObject({ code: z.string(), name: z.string() }),
  approvedAt: IsoDateTime,
  deliveryAddress: DeliveryAddress.nullable(),
  /** Whether the user has an active smartcard yet (issue one, then mark it posted). */
  cardIssued: z.boolean(),
});
export const CardsToIssueResponse = z.strictObject({ cards: z.array(CardToIssue) });
