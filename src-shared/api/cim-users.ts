import { z } from 'zod';
import { Email, IsoDate, IsoDateTime, Mobile, NiNumber, PersonName, Uuid } from './service-common.js';

// Managing user profiles: create a new user, close and reopen a profile.

/** The earliest date of birth taken: anything older is a typing mistake. */
const EARLIEST_BIRTH_DATE = '1900-01-01';

/** A date of birth: an ISO date from 1900 on (the service checks it is not in the future). */
export const DateOfBirth = IsoDate.refine((d) => d >= EARLIEST_BIRTH_DATE, 'the date of birth must be after 1900');

/** The 409 message for a person who already has a profile (it carries that profile's UUID and name). */
export const DUPLICATE_PROFILE = 'A profile already exists for this person.';

/** POST /v1/users. The home organisation is given by its ODS code and must be in the creator's scope. */
export const CreateUserBody = z.strictObject({
  givenName: PersonName,
  familyName: PersonName,
  dateOfBirth: DateOfBirth,
  niNumber: NiNumber,
  email: Email.optional(),
  mobile: Mobile.optional(),
  homeOrganisationCode: z.string().trim().min(1).max(20),
});
export const CreatedUser = z.strictObject({ uuid: Uuid, name: z.string() });

/** Why a profile is closed or reopened: required, kept in the audit log and with a request. */
export const ProfileStatusBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });

export const ProfileStatusResponse = z.discriminatedUnion('outcome', [
  /** RA staff: done now. Closing ends every live session of the user. */
  z.strictObject({ outcome: z.enum(['closed', 'reopened']), sessionsEnded: z.number().int().nonnegative() }),
  /** A sponsor: stored as a request for RA staff to accept or reject (202). */
  z.strictObject({ outcome: z.literal('requested'), requestId: z.number().int().positive(), requestedAt: IsoDateTime }),
]);

/** GET /v1/users/:uuid/status-request: the close or reopen request waiting for RA staff, if any. */
export const PendingProfileStatus = z.strictObject({
  pending: z
    .strictObject({
      id: z.number().int().positive(),
      action: z.enum(['close', 'reopen']),
      reason: z.string(),
      requestedBy: z.string(),
      requestedAt: IsoDateTime,
    })
    .nullable(),
});
