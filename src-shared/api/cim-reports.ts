import { z } from 'zod';
import { IsoDate } from './service-common.js';

// The reports of Care Identity Management (activity 'view-reports'): one definition of each
// report (what it shows, the filters it takes with their schemas, its columns and default sort),
// read by the service, which runs it within the session's organisation subtree, and by the
// renderer, which draws its filter form and table from the same definition.

export const ReportId = z.enum([
  'users-positions',
  'positions-holders',
  'cards-expiring',
  'cards-locked',
  'card-unlocks-renewals',
  'position-requests',
  'profiles-created-closed',
]);
export type ReportId = z.infer<typeof ReportId>;

/** One of the organisations in your subtree, by its code: every report may be narrowed to one. */
const OrganisationCode = z
  .string()
  .trim()
  .max(20)
  .regex(/^[A-Za-z0-9-]*$/, 'Enter an organisation code, such as RZZ01')
  .transform((s) => (s === '' ? undefined : s.toUpperCase()))
  .optional();

/** A period's first and last day (both included); either may be left out. */
const Period = {
  from: z.union([z.literal(''), IsoDate]).transform((s) => s || undefined).optional(),
  to: z.union([z.literal(''), IsoDate]).transform((s) => s || undefined).optional(),
};
const periodInOrder = (f: { from?: string | undefined; to?: string | undefined }): boolean => !f.from || !f.to || f.from <= f.to;
const PERIOD_ORDER = { message: 'The end of the period must be the same as or after its start', path: ['to'] };

/** Query parameters arrive as text: a choice with 'any' meaning "no filter". */
const choice = <T extends [string, ...string[]]>(values: T) => z.enum(['any', ...values] as [string, ...string[]]).default('any');

export const REPORT_FILTERS = {
  'users-positions': z.strictObject({ organisation: OrganisationCode, status: choice(['open', 'closed']) }),
  'positions-holders': z.strictObject({ organisation: OrganisationCode, closed: z.enum(['include', 'exclude']).default('exclude') }),
  'cards-expiring': z.strictObject({
    organisation: OrganisationCode,
    days: z.coerce.number({ message: 'Enter a number of days from 1 to 365' }).int('Enter a whole number of days').min(1, 'Enter a number of days from 1 to 365').max(365, 'Enter a number of days from 1 to 365').default(30),
  }),
  'cards-locked': z.strictObject({ organisation: OrganisationCode }),
  'card-unlocks-renewals': z.strictObject({ organisation: OrganisationCode, ...Period, event: choice(['unlocked', 'renewed']), by: choice(['self', 'sponsor']) }).refine(periodInOrder, PERIOD_ORDER),
  'position-requests': z.strictObject({ organisation: OrganisationCode, state: choice(['pending', 'granted', 'rejected']), ...Period }).refine(periodInOrder, PERIOD_ORDER),
  'profiles-created-closed': z.strictObject({ organisation: OrganisationCode, ...Period, event: choice(['created', 'closed']) }).refine(periodInOrder, PERIOD_ORDER),
} as const satisfies Record<ReportId, z.ZodType>;
export type ReportFilters<R extends ReportId> = z.output<(typeof REPORT_FILTERS)[R]>;

/** How the renderer draws one filter (its schema above decides what is accepted). */
export const ReportFilterField = z.strictObject({
  name: z.string(),
  label: z.string(),
  hint: z.string().optional(),
  kind: z.enum(['text', 'number', 'date', 'select']),
  options: z.array(z.strictObject({ value: z.string(), label: z.string() })).optional(),
});
export type ReportFilterField = z.infer<typeof ReportFilterField>;

export const ReportColumn = z.strictObject({ key: z.string(), label: z.string(), sortable: z.boolean() });
export type ReportColumn = z.infer<typeof ReportColumn>;

export const SortDirection = z.enum(['ascending', 'descending']);
export type SortDirection = z.infer<typeof SortDirection>;

export const ReportDefinition = z.strictObject({
  id: ReportId,
  title: z.string(),
  description: z.string(),
  filters: z.array(ReportFilterField),
  columns: z.array(ReportColumn),
  defaultSort: z.strictObject({ column: z.string(), direction: SortDirection }),
  /** Among the frequently used reports, listed first. */
  pinned: z.boolean(),
});
export type ReportDefinition = z.infer<typeof ReportDefinition>;

const ORGANISATION_FILTER: ReportFilterField = {
  name: 'organisation',
  label: 'Organisation code (optional)',
  hint: 'Leave blank for all your organisations, or enter the code of one of them, such as RZZ01',
  kind: 'text',
};
const PERIOD_FILTERS: ReportFilterField[] = [
  { name: 'from', label: 'From (optional)', hint: 'The first day, for example 2025-04-01', kind: 'date' },
  { name: 'to', label: 'To (optional)', hint: 'The last day, for example 2025-06-30', kind: 'date' },
];
const ANY = { value: 'any', label: 'Any' };
const col = (key: string, label: string, sortable = true): ReportColumn => ({ key, label, sortable });

/**
 * The frequently used reports, listed first for everyone: a fixed pick rather than per-user pins,
 * because the same few reports (cards about to expire, who works where, unlocks and renewals) are
 * what every RA team and sponsor checks week to week, and a fixed pick needs no table, no
 * endpoints to pin and unpin, and gives trainees and their trainers the same list to follow.
 */
const PINNED_REPORTS: readonly ReportId[] = ['cards-expiring', 'users-positions', 'card-unlocks-renewals'];

const DEFINITIONS: Omit<ReportDefinition, 'pinned'>[] = [
  {
    id: 'users-positions',
    title: 'Users in my organisations with their positions',
    description: 'Everyone based in, or holding a position in, your organisations: one row for each current position they hold there, or one row without a position.',
    filters: [ORGANISATION_FILTER, { name: 'status', label: 'Profile status', kind: 'select', options: [ANY, { value: 'open', label: 'Open' }, { value: 'closed', label: 'Closed' }] }],
    columns: [
      col('familyName', 'Family name'),
      col('givenName', 'Given name'),
      col('uuid', 'UUID', false),
      col('status', 'Profile status'),
      col('homeOrganisation', 'Home organisation'),
      col('position', 'Position'),
      col('positionOrganisation', 'Position organisation'),
      col('roles', 'Roles'),
      col('startDate', 'Start date'),
      col('endDate', 'End date'),
    ],
    defaultSort: { column: 'familyName', direction: 'ascending' },
  },
  {
    id: 'positions-holders',
    title: 'Positions and how many hold each',
    description: 'Every position at your organisations, with the number of people holding it today.',
    filters: [ORGANISATION_FILTER, { name: 'closed', label: 'Closed positions', kind: 'select', options: [{ value: 'exclude', label: 'Leave out' }, { value: 'include', label: 'Include' }] }],
    columns: [col('position', 'Position'), col('jobRole', 'Job role'), col('organisation', 'Organisation'), col('roles', 'Roles'), col('state', 'State'), col('holders', 'People holding it')],
    defaultSort: { column: 'position', direction: 'ascending' },
  },
  {
    id: 'cards-expiring',
    title: 'Smartcards expiring soon',
    description: 'Smartcards of people in your organisations whose certificate expires within the number of days you choose.',
    filters: [ORGANISATION_FILTER, { name: 'days', label: 'Expiring within (days)', hint: 'From 1 to 365', kind: 'number' }],
    columns: [col('familyName', 'Family name'), col('givenName', 'Given name'), col('uuid', 'UUID', false), col('cardSerial', 'Card serial'), col('cardStatus', 'Card status'), col('expires', 'Certificate expires')],
    defaultSort: { column: 'expires', direction: 'ascending' },
  },
  {
    id: 'cards-locked',
    title: 'Locked smartcards',
    description: 'Smartcards of people in your organisations that are locked now.',
    filters: [ORGANISATION_FILTER],
    columns: [col('familyName', 'Family name'), col('givenName', 'Given name'), col('uuid', 'UUID', false), col('cardSerial', 'Card serial'), col('issued', 'Card issued')],
    defaultSort: { column: 'familyName', direction: 'ascending' },
  },
  {
    id: 'card-unlocks-renewals',
    title: 'Smartcards unlocked and renewed',
    description: 'Each unlock and certificate renewal finished in a period for people in your organisations, and whether the holder did it themselves or a sponsor did.',
    filters: [
      ORGANISATION_FILTER,
      ...PERIOD_FILTERS,
      { name: 'event', label: 'What happened', kind: 'select', options: [ANY, { value: 'unlocked', label: 'Unlocked' }, { value: 'renewed', label: 'Renewed' }] },
      { name: 'by', label: 'Done by', kind: 'select', options: [ANY, { value: 'self', label: 'The card holder (self-service)' }, { value: 'sponsor', label: 'A sponsor' }] },
    ],
    columns: [col('at', 'When'), col('event', 'What happened'), col('by', 'Done by'), col('familyName', 'Family name'), col('givenName', 'Given name'), col('cardSerial', 'Card serial'), col('sponsor', 'Sponsor')],
    defaultSort: { column: 'at', direction: 'descending' },
  },
  {
    id: 'position-requests',
    title: 'Position requests by state',
    description: 'Requests for positions at your organisations, pending or decided, with when they were made and decided.',
    filters: [
      ORGANISATION_FILTER,
      { name: 'state', label: 'State', kind: 'select', options: [ANY, { value: 'pending', label: 'Pending' }, { value: 'granted', label: 'Granted' }, { value: 'rejected', label: 'Rejected' }] },
      ...PERIOD_FILTERS,
    ],
    columns: [col('requestedAt', 'Requested'), col('state', 'State'), col('familyName', 'Family name'), col('givenName', 'Given name'), col('position', 'Position'), col('organisation', 'Organisation'), col('decidedAt', 'Decided')],
    defaultSort: { column: 'requestedAt', direction: 'descending' },
  },
  {
    id: 'profiles-created-closed',
    title: 'Profiles created and closed',
    description: 'Profiles of people in your organisations created or closed in a period.',
    filters: [ORGANISATION_FILTER, ...PERIOD_FILTERS, { name: 'event', label: 'What happened', kind: 'select', options: [ANY, { value: 'created', label: 'Created' }, { value: 'closed', label: 'Closed' }] }],
    columns: [col('at', 'When'), col('event', 'What happened'), col('familyName', 'Family name'), col('givenName', 'Given name'), col('uuid', 'UUID', false), col('homeOrganisation', 'Home organisation')],
    defaultSort: { column: 'at', direction: 'descending' },
  },
];

/** Every report, the frequently used ones first (in PINNED_REPORTS order), then the rest as defined. */
export const REPORT_CATALOGUE: readonly ReportDefinition[] = [
  ...PINNED_REPORTS.map((id) => ({ ...(DEFINITIONS.find((d) => d.id === id) as Omit<ReportDefinition, 'pinned'>), pinned: true })),
  ...DEFINITIONS.filter((d) => !PINNED_REPORTS.includes(d.id)).map((d) => ({ ...d, pinned: false })),
];

export const reportDefinition = (id: ReportId): ReportDefinition => REPORT_CATALOGUE.find((d) => d.id === id) as ReportDefinition;

export const ReportCatalogue = z.strictObject({ reports: z.array(ReportDefinition) });

export const ReportParams = z.strictObject({ reportId: ReportId });

/** The most rows one page of a report shows. */
const REPORT_PAGE_SIZE_MAX = 100;

/**
 * How a report is run: sort and page, and the report's own filters beside them (each report's
 * schema in REPORT_FILTERS decides which it takes; the service refuses the others by name).
 */
const ReportFilterValues = z.string().max(200);
export const ReportExportQuery = z
  .object({
    sort: z.string().max(40).optional(),
    direction: SortDirection.optional(),
  })
  .catchall(ReportFilterValues);
export const ReportRunQuery = z
  .object({
    sort: z.string().max(40).optional(),
    direction: SortDirection.optional(),
    page: z.coerce.number({ message: 'Enter a page number' }).int().min(1).max(1_000_000).default(1),
    pageSize: z.coerce.number({ message: 'Enter a page size' }).int().min(1).max(REPORT_PAGE_SIZE_MAX, `At most ${REPORT_PAGE_SIZE_MAX} rows a page`).default(25),
  })
  .catchall(ReportFilterValues);

/** The names a run takes besides the report's filters. */
export const REPORT_RUN_KEYS: readonly string[] = ['sort', 'direction', 'page', 'pageSize'];

const ReportCell = z.union([z.string(), z.number(), z.null()]);
export const ReportRow = z.record(z.string(), ReportCell);
export type ReportRow = z.infer<typeof ReportRow>;

export const ReportPage = z.strictObject({
  report: ReportId,
  rows: z.array(ReportRow),
  total: z.number().int().nonnegative(),
  page: z.number().int().positive(),
  pageSize: z.number().int().positive(),
  sort: z.strictObject({ column: z.string(), direction: SortDirection }),
});
export type ReportPage = z.infer<typeof ReportPage>;

/** The export's answer: CSV text (RFC 4180, a header row of the column labels), streamed. */
export const ReportCsv = z.string().describe('text/csv: a header row of the column labels, then one line for each row of the report');

// The export through the agent (agent channels report.export and report.exportProgress): the
// renderer never holds the session, so the agent fetches the CSV and streams it on, to a file the
// user chose (Electron) or to a one-use download address on the browser shell's own server.

export const ReportExportId = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

export const ReportExportRequest = z.strictObject({
  reportId: ReportId,
  /** The report's filters and sort, as for a page. */
  query: z.record(z.string().max(40), z.string().max(200)).refine((q) => Object.keys(q).length <= 20, 'Too many filters'),
});

export const ReportExportTicket = z.strictObject({
  exportId: ReportExportId,
  fileName: z.string(),
  /** The browser shell's one-use address the download comes from; null when the agent writes the file itself. */
  downloadPath: z.string().nullable(),
});
export type ReportExportTicket = z.infer<typeof ReportExportTicket>;

export const ReportExportProgress = z.strictObject({
  /** ready: waiting for the download to start; writing; done; failed; cancelled (no file chosen). */
  status: z.enum(['ready', 'writing', 'done', 'failed', 'cancelled']),
  /** Rows written so far, the header row not counted. */
  rows: z.number().int().nonnegative(),
  message: z.string().nullable(),
});
export type ReportExportProgress = z.infer<typeof ReportExportProgress>;

/** Where the browser shell serves an export's one-use download. */
export const REPORT_DOWNLOAD_PREFIX = '/downloads/reports/';
