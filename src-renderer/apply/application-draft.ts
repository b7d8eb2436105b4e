import type { ZodType } from 'zod';
import { DeliveryAddress, type NewApplicationBody } from '../../src-shared/api/apply.js';
import { Email, Mobile, NiNumber, PersonName } from '../../src-shared/api/service-common.js';
import { EMPTY_DATE, readDateParts, todayUtc, type DateParts } from '../components/date-parts.js';
import { PERSON_FIELD_IDS, type PersonValues } from '../components/person-fields.js';

// A new application as the sponsor fills it in, step by step: what each step's form holds, the
// checks of each step in the sponsor's words, and the body the service takes once every step is
// right. Kept apart from the pages so the rules are tested without a browser.

export interface AddressValues {
  readonly line1: string;
  readonly line2: string;
  readonly town: string;
  readonly postcode: string;
}

export type AccessKind = 'position' | 'copy';

export interface NotesValues {
  readonly accessKind: AccessKind | null;
  /** The chosen position's id, as the select gives it ('' for none). */
  readonly positionId: string;
  readonly colleagueName: string;
  readonly colleagueCardNumber: string;
  readonly notes: string;
}

export interface ApplicationDraft {
  readonly personal: PersonValues;
  /** "Do you want the applicant to provide a delivery address?" null until answered. */
  readonly applicantProvidesAddress: boolean | null;
  readonly address: AddressValues;
  readonly notes: NotesValues;
}

export const EMPTY_DRAFT: ApplicationDraft = {
  personal: { givenName: '', familyName: '', dateOfBirth: EMPTY_DATE, niNumber: '', email: '', mobile: '' },
  applicantProvidesAddress: null,
  address: { line1: '', line2: '', town: '', postcode: '' },
  notes: { accessKind: null, positionId: '', colleagueName: '', colleagueCardNumber: '', notes: '' },
};

/** A step's problems, by the id of the field to fix (the error summary links there). */
export type Problems = Readonly<Record<string, string>>;

const problemOf = (schema: ZodType, value: string, empty: string, invalid: string): string | null => {
  const v = value.trim();
  if (v === '') return empty;
  return schema.safeParse(v).success ? null : invalid;
};

const collect = (entries: readonly (readonly [string, string | null])[]): Problems =>
  Object.fromEntries(entries.filter((entry): entry is readonly [string, string] => entry[1] !== null));

/** The date of birth as an ISO date, or its problem: a real date, in the past, after 1900 (as the service checks). */
function dateOfBirthOf(parts: DateParts, today: string): { date: string } | { problem: string } {
  const read = readDateParts(parts, 'Date of birth', true);
  if (!read.ok) return { problem: read.message };
  const date = read.iso ?? '';
  if (date >= today) return { problem: 'Date of birth must be in the past' };
  if (date < '1900-01-01') return { problem: 'Date of birth must be after 1900' };
  return { date };
}

/** The personal details step: every field is required (the applicant gets an email and a text). */
export function checkPersonal(values: PersonValues, today: string = todayUtc()): Problems {
  const dob = dateOfBirthOf(values.dateOfBirth, today);
  return collect([
    [PERSON_FIELD_IDS.givenName, problemOf(PersonName, values.givenName, 'Enter the given name', 'The given name must be 100 characters or fewer')],
    [PERSON_FIELD_IDS.familyName, problemOf(PersonName, values.familyName, 'Enter the family name', 'The family name must be 100 characters or fewer')],
    [PERSON_FIELD_IDS.dateOfBirth, 'problem' in dob ? dob.problem : null],
    [PERSON_FIELD_IDS.niNumber, problemOf(NiNumber, values.niNumber, 'Enter the National Insurance number', 'Enter a National Insurance number in the correct format, like AB 12 34 56 C')],
    [PERSON_FIELD_IDS.email, problemOf(Email, values.email, "Enter the applicant's email address", 'Enter an email address in the correct format, like name@nhs.net')],
    [PERSON_FIELD_IDS.mobile, problemOf(Mobile, values.mobile, "Enter the applicant's mobile number", 'Enter a UK mobile number, like 07700 900 123')],
  ]);
}

export const ADDRESS_CHOICE_ID = 'provide-address';

export function checkAddressChoice(choice: boolean | null): Problems {
  return choice === null ? { [ADDRESS_CHOICE_ID]: 'Select yes if the applicant should provide a delivery address' } : {};
}

export const ADDRESS_FIELD_IDS = { line1: 'address-line-1', line2: 'address-line-2', town: 'address-town', postcode: 'address-postcode' } as const;

/** The delivery address the sponsor gives when the applicant will not. */
export function checkAddress(values: AddressValues): Problems {
  const { shape } = DeliveryAddress;
  return collect([
    [ADDRESS_FIELD_IDS.line1, problemOf(shape.line1, values.line1, 'Enter the first line of the address', 'The first line must be 100 characters or fewer')],
    [ADDRESS_FIELD_IDS.line2, values.line2.trim().length > 100 ? 'The second line must be 100 characters or fewer' : null],
    [ADDRESS_FIELD_IDS.town, problemOf(shape.town, values.town, 'Enter the town or city', 'The town or city must be 60 characters or fewer')],
    [ADDRESS_FIELD_IDS.postcode, problemOf(shape.postcode, values.postcode, 'Enter the postcode', 'Enter a real postcode, like LS1 4AP')],
  ]);
}

export const NOTES_FIELD_IDS = { accessKind: 'access-kind', positionId: 'access-position', colleagueName: 'colleague-name', colleagueCardNumber: 'colleague-card-number', notes: 'notes' } as const;
const MAX_NOTES = 1000;

/** The Notes step: a position at the sponsor's organisation, or a colleague whose access to copy. */
export function checkNotes(values: NotesValues): Problems {
  const notes = values.notes.trim().length > MAX_NOTES ? `Notes must be ${MAX_NOTES} characters or fewer` : null;
  if (values.accessKind === null) return collect([[NOTES_FIELD_IDS.accessKind, 'Select the access the applicant needs'], [NOTES_FIELD_IDS.notes, notes]]);
  if (values.accessKind === 'position') {
    return collect([
      [NOTES_FIELD_IDS.positionId, /^[1-9]\d*$/.test(values.positionId) ? null : 'Select the access position'],
      [NOTES_FIELD_IDS.notes, notes],
    ]);
  }
  const card = values.colleagueCardNumber.trim();
  return collect([
    [NOTES_FIELD_IDS.colleagueName, problemOf(PersonName, values.colleagueName, "Enter your colleague's name", "Your colleague's name must be 100 characters or fewer")],
    [NOTES_FIELD_IDS.colleagueCardNumber, card === '' ? "Enter your colleague's smartcard number" : card.length > 40 ? 'The smartcard number must be 40 characters or fewer' : null],
    [NOTES_FIELD_IDS.notes, notes],
  ]);
}

/** The steps of a new application, in order; the check page links back to each. */
export type DraftStep = 'details' | 'address-choice' | 'address' | 'notes';

/** The first step still wrong or unanswered, or null when the draft can be submitted. */
export function firstUnfinishedStep(draft: ApplicationDraft, today: string = todayUtc()): DraftStep | null {
  if (Object.keys(checkPersonal(draft.personal, today)).length > 0) return 'details';
  if (draft.applicantProvidesAddress === null) return 'address-choice';
  if (!draft.applicantProvidesAddress && Object.keys(checkAddress(draft.address)).length > 0) return 'address';
  if (Object.keys(checkNotes(draft.notes)).length > 0) return 'notes';
  return null;
}

/** The body for applyCreateApplication; null while a step is unfinished. */
export function bodyOf(draft: ApplicationDraft, today: string = todayUtc()): NewApplicationBody | null {
  if (firstUnfinishedStep(draft, today) !== null) return null;
  const { personal, address, notes } = draft;
  const dob = dateOfBirthOf(personal.dateOfBirth, today);
  if ('problem' in dob) return null;
  const provides = draft.applicantProvidesAddress === true;
  return {
    applicant: {
      givenName: personal.givenName.trim(),
      familyName: personal.familyName.trim(),
      dateOfBirth: dob.date,
      niNumber: NiNumber.parse(personal.niNumber),
      email: personal.email.trim(),
      mobile: Mobile.parse(personal.mobile),
    },
    applicantProvidesAddress: provides,
    ...(provides
      ? {}
      : {
          deliveryAddress: {
            line1: address.line1.trim(),
            ...(address.line2.trim() ? { line2: address.line2.trim() } : {}),
            town: address.town.trim(),
            postcode: address.postcode.trim().toUpperCase(),
          },
        }),
    access:
      notes.accessKind === 'position'
        ? { kind: 'position', positionId: Number(notes.positionId) }
        : { kind: 'copy', colleagueName: notes.colleagueName.trim(), colleagueCardNumber: notes.colleagueCardNumber.trim() },
    notes: notes.notes.trim(),
  };
}
