import type { DateParts } from './date-parts.js';

// A person's details as a form holds them before they are checked: the same on "Create a new
// user" and on a new application for Care ID, with the same field ids on both pages.

export interface PersonValues {
  readonly givenName: string;
  readonly familyName: string;
  readonly dateOfBirth: DateParts;
  readonly niNumber: string;
  readonly email: string;
  readonly mobile: string;
}

export const PERSON_FIELD_IDS = {
  givenName: 'given-name',
  familyName: 'family-name',
  dateOfBirth: 'date-of-birth',
  niNumber: 'ni-number',
  email: 'email',
  mobile: 'mobile',
} as const;
