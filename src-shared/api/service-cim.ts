import { z } from 'zod';
import { DateOfBirth } from './cim-users.js';
import { cardSignedPayload } from './service-login.js';
import { AuthenticatorKind } from './oidc.js';
import {
  Base64,
  Base64Url,
  CardStatus,
  Email,
  IsoDate,
  IsoDateTime,
  Mobile,
  NiNumber,
  OrganisationSummary,
  PersonName,
  PositionSummary,
  UserStatus,
  Uuid,
} from './service-common.js';

// Care Identity Management core: find users, view a profile, position requests, contact details.

/** What a user search may be given: at least one of name, NI number or smartcard UUID. */
const findUsersCriteria = {
  name: z.string().trim().min(1).max(100).optional(),
  niNumber: NiNumber.optional(),
  cardUuid: Uuid.optional(),
};
/** "Only show users in my organisation and child organisations". */
const onlyMyOrganisations = { onlyMyOrganisations: z.boolean().default(false) };
const hasCriterion = (q: { name?: string | undefined; niNumber?: string | undefined; cardUuid?: string | undefined }): boolean =>
  q.name !== undefined || q.niNumber !== undefined || q.cardUuid !== undefined;
const NO_CRITERION = { message: 'give a name, a National Insurance number or a smartcard UUID', path: ['name'] };

/**
 * POST /v1/users/search body. Names and National Insurance numbers are personal data: they travel
 * in a request body, never in a URL, where proxies, browser history and access logs keep them.
 */
export const FindUsersBody = z
  .strictObject({
    ...findUsersCriteria,
    ...onlyMyOrganisations,
    limit: z.number().int().min(1).max(100).default(25),
  })
  .refine(hasCriterion, NO_CRITERION);

/** The same search as the renderer asks the agent for it (JSON, so a real boolean). */
export const FindUsersRequest = z
  .strictObject({ ...findUsersCriteria, ...onlyMyOrganisations })
  .refine(hasCriterion, NO_CRITERION);

const UserSearchResult = z.strictObject({
  uuid: Uuid,
  name: z.string(),
  status: UserStatus,
  organisation: OrganisationSummary.nullable(),
});
export const FindUsersResponse = z.strictObject({ results: z.array(UserSearchResult), truncated: z.boolean() });

export const UserUuidParams = z.strictObject({ uuid: Uuid });

export const ProfileAssignment = z.strictObject({
  id: z.number().int().positive(),
  position: PositionSummary,
  startDate: IsoDate,
  endDate: IsoDate.nullable(),
});
/** A card's state as a profile shows it: 'cleared' is a revoked card cleared for reuse (blank, unregistered). */
const ProfileCardStatus = z.enum([...CardStatus.options, 'cleared']);
const ProfileCard = z.strictObject({
  uuid: Uuid,
  serial: z.number().int().nonnegative(),
  status: ProfileCardStatus,
  certificateNotAfter: IsoDateTime.nullable(),
});
export const ProfileAuthenticator = z.strictObject({
  id: z.number().int().positive(),
  kind: AuthenticatorKind,
  label: z.string(),
  createdAt: IsoDateTime,
});
export const Profile = z.strictObject({
  uuid: Uuid,
  givenName: z.string(),
  familyName: z.string(),
  niNumber: z.string().nullable(),
  email: z.string().nullable(),
  mobile: z.string().nullable(),
  status: UserStatus,
  assignments: z.array(ProfileAssignment),
  cards: z.array(ProfileCard),
  authenticators: z.array(ProfileAuthenticator),
});
export type Profile = z.infer<typeof Profile>;

/** Positions run for a fixed term from their start date; the requester picks only the start. */
export const POSITION_TERM_DAYS = 365;

export const RequestPositionsBody = z.strictObject({
  positionIds: z.array(z.number().int().positive()).min(1).max(20),
  startDate: IsoDate,
});
export const PositionRequest = z.strictObject({
  id: z.number().int().positive(),
  user: z.strictObject({ uuid: Uuid, name: z.string() }),
  /** Who asked: the user themselves, or a sponsor or RA staff for them. */
  requestedBy: z.strictObject({ uuid: Uuid, name: z.string() }),
  position: PositionSummary,
  startDate: IsoDate,
  endDate: IsoDate,
  status: z.enum(['pending', 'granted', 'rejected']),
  requestedAt: IsoDateTime,
  reason: z.string().nullable(),
});
export const PositionRequestList = z.strictObject({ requests: z.array(PositionRequest) });
export const RequestIdParams = z.strictObject({ id: z.coerce.number().int().positive() });
export const RejectBody = z.strictObject({ reason: z.string().trim().min(1).max(500) });

const newContact = { email: Email.optional(), mobile: Mobile.optional() };
const hasContact = (b: { email?: string | undefined; mobile?: string | undefined }): boolean => b.email !== undefined || b.mobile !== undefined;
const NO_CONTACT = { message: 'give an email or a mobile number', path: ['email'] };

/**
 * POST /v1/me/contact/challenge: the new values, checked before the holder is asked for their
 * passcode; the answer is what the card signs to approve exactly that change.
 */
export const ContactChallengeBody = z.strictObject(newContact).refine(hasContact, NO_CONTACT);
export const ContactChallenge = z.strictObject({
  nonce: Base64Url,
  serviceOrigin: z.string(),
  /** Names the session the change is for; signed, so the approval cannot serve another session. */
  session: z.string(),
  expiresAt: IsoDateTime,
  /** The new values as the service will store them (a mobile without spaces); null: unchanged. */
  email: z.string().nullable(),
  mobile: z.string().nullable(),
});

const CONTACT_CHANGE_PURPOSE = 'care-identity-contact-change/v1';

/**
 * The exact bytes the card signs to approve a change of its holder's own email or mobile: the
 * purpose, the service, the workstation, the session and the new values. A signature for any
 * other purpose, session or value does not verify.
 */
export function contactChangeSignedPayload(p: {
  nonce: string;
  serviceOrigin: string;
  workstationId: string;
  session: string;
  email: string | null;
  mobile: string | null;
}): string {
  return cardSignedPayload(CONTACT_CHANGE_PURPOSE, [
    ['nonce', p.nonce],
    ['origin', p.serviceOrigin],
    ['workstation', p.workstationId],
    ['session', p.session],
    ['email', p.email ?? ''],
    ['mobile', p.mobile ?? ''],
  ]);
}

/** PUT /v1/me/contact: the new values with the card's signature over contactChangeSignedPayload. */
export const ChangeOwnContactBody = z
  .strictObject({
    ...newContact,
    nonce: Base64Url,
    /** The session card's 9A signature (SHA-256; PKCS#1 v1.5 or DER ECDSA), base64. */
    signature: Base64,
  })
  .refine(hasContact, NO_CONTACT);
export const ContactDetails = z.strictObject({
  email: z.string().nullable(),
  mobile: z.string().nullable(),
  /**
   * A new email address waits for the code sent to it (POST /v1/me/contact/email-code); `email`
   * is still the old one until then. Null when no email change waits.
   */
  emailConfirmation: z.strictObject({ sentTo: z.string(), expiresAt: IsoDateTime }).nullable(),
});

/** What the renderer asks the agent: the new value(s) and the passcode the card checks (never sent on). */
export const ChangeOwnContactRequest = z.strictObject({ ...newContact, passcode: z.string().max(64) }).refine(hasContact, NO_CONTACT);

export const ChangeDetailsBody = z
  .strictObject({
    givenName: PersonName.optional(),
    familyName: PersonName.optional(),
    niNumber: NiNumber.optional(),
    dateOfBirth: DateOfBirth.optional(),
    email: Email.optional(),
    mobile: Mobile.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change', path: ['givenName'] });
export const ChangeDetailsResponse = z.discriminatedUnion('outcome', [
  z.strictObject({ outcome: z.literal('changed'), profile: Profile }),
  z.strictObject({ outcome: z.literal('requested'), requestId: z.number().int().positive(), requestedAt: IsoDateTime }),
]);

export const FindOrganisationsQuery = z.strictObject({ query: z.string().trim().min(1).max(100) });
export const FindOrganisationsResponse = z.strictObject({ results: z.array(OrganisationSummary) });
