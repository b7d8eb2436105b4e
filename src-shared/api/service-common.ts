import { z } from 'zod';
import { RoleCode } from '../domain/roles.js';

// Building blocks shared by every identity-service contract.

export const Uuid = z.uuid();
export const IsoDate = z.iso.date();
export const IsoDateTime = z.iso.datetime();
export const Base64 = z.string().base64().max(16_384);
export const Base64Url = z.string().base64url().max(1024);

/** National Insurance number: two letters, six digits, a suffix A-D (spaces allowed on input). */
export const NiNumber = z
  .string()
  .transform((s) => s.replace(/\s+/g, '').toUpperCase())
  .pipe(z.string().regex(/^[A-CEGHJ-PR-TW-Z]{2}\d{6}[A-D]$/, 'not a National Insurance number'));

/** Self-service functions need an email in an NHS, academic or government domain. */
export const SELF_SERVICE_EMAIL_DOMAINS = ['nhs.net', 'nhs.uk', 'ac.uk', 'gov.uk'] as const;

export function isSelfServiceEmail(email: string): boolean {
  const domain = email.slice(email.lastIndexOf('@') + 1).toLowerCase();
  return SELF_SERVICE_EMAIL_DOMAINS.some((d) => domain === d || domain.endsWith(`.${d}`));
}

export const Email = z.email().max(254);
export const Mobile = z
  .string()
  .transform((s) => s.replace(/[\s-]/g, ''))
  .pipe(z.string().regex(/^(\+44|0)7\d{9}$/, 'not a UK mobile number'));

export const PersonName = z.string().trim().min(1).max(100);

export const OrganisationSummary = z.strictObject({
  code: z.string(),
  name: z.string(),
  kind: z.enum(['trust', 'gp-practice', 'pharmacy', 'site', 'directorate', 'other']),
  parentCode: z.string().nullable(),
});
export type OrganisationSummary = z.infer<typeof OrganisationSummary>;

export const PositionSummary = z.strictObject({
  id: z.number().int().positive(),
  title: z.string(),
  jobRole: z.string(),
  organisation: OrganisationSummary,
  roles: z.array(RoleCode),
  assignable: z.boolean(),
});
export type PositionSummary = z.infer<typeof PositionSummary>;

export const UserStatus = z.enum(['open', 'closed']);
export const CardStatus = z.enum(['active', 'locked', 'revoked', 'cancelled']);
/** A card's 9A key type: the one definition lives with the card state format. */
export { AsymmetricAlgorithm as CardAlgorithm } from '../card/virtual-card-state.js';

export const HealthResponse = z.strictObject({
  status: z.literal('ok'),
  schemaVersion: z.number().int(),
  /** The engine the service's store runs on (never where: that is for its operators). */
  database: z.enum(['sqlite', 'postgres']),
});
