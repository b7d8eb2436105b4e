import { describe, expect, it } from 'vitest';
import { NewApplicationBody } from '../../../src-shared/api/apply.js';
import {
  bodyOf,
  checkAddress,
  checkAddressChoice,
  checkNotes,
  checkPersonal,
  EMPTY_DRAFT,
  firstUnfinishedStep,
  type ApplicationDraft,
} from '../../../src-renderer/apply/application-draft.js';

// A new application as the sponsor fills it in: each step's problems in the sponsor's words, the
// step the check page sends them back to, and the body the service takes.

const TODAY = '2026-12-05';

const FILLED: ApplicationDraft = {
  personal: {
    givenName: ' Aisha ',
    familyName: 'Khan',
    dateOfBirth: { day: '14', month: '2', year: '1991' },
    niNumber: 'ab 12 34 56 c',
    email: 'aisha.khan@nhs.net',
    mobile: '07700 900 123',
  },
  applicantProvidesAddress: true,
  address: { line1: '', line2: '', town: '', postcode: '' },
  notes: { accessKind: 'position', positionId: '7', colleagueName: '', colleagueCardNumber: '', notes: ' Starts on ward 4 ' },
};

describe('new application: the personal details step', () => {
  it('rule: every personal detail is required, each problem names its field', () => {
    expect(checkPersonal(EMPTY_DRAFT.personal, TODAY)).toEqual({
      'given-name': 'Enter the given name',
      'family-name': 'Enter the family name',
      'date-of-birth': 'Enter the date of birth',
      'ni-number': 'Enter the National Insurance number',
      email: "Enter the applicant's email address",
      mobile: "Enter the applicant's mobile number",
    });
  });

  it('rule: a wrong NI number, email, mobile or date is said in words, the right fields pass', () => {
    const problems = checkPersonal(
      { ...FILLED.personal, niNumber: 'AB123', email: 'not-an-email', mobile: '0113 496 0000', dateOfBirth: { day: '31', month: '2', year: '1990' } },
      TODAY,
    );
    expect(problems).toEqual({
      'date-of-birth': 'Date of birth must be a real date',
      'ni-number': 'Enter a National Insurance number in the correct format, like AB 12 34 56 C',
      email: 'Enter an email address in the correct format, like name@nhs.net',
      mobile: 'Enter a UK mobile number, like 07700 900 123',
    });
    expect(checkPersonal(FILLED.personal, TODAY)).toEqual({});
  });

  it('rule: a date of birth in the future, or before 1900, is refused', () => {
    expect(checkPersonal({ ...FILLED.personal, dateOfBirth: { day: '6', month: '12', year: '2026' } }, TODAY)).toEqual({ 'date-of-birth': 'Date of birth must be in the past' });
    expect(checkPersonal({ ...FILLED.personal, dateOfBirth: { day: '31', month: '12', year: '1899' } }, TODAY)).toEqual({ 'date-of-birth': 'Date of birth must be after 1900' });
  });
});

describe('new application: the delivery address and notes steps', () => {
  it('rule: "Do you want the applicant to provide a delivery address?" must be answered', () => {
    expect(checkAddressChoice(null)).toEqual({ 'provide-address': 'Select yes if the applicant should provide a delivery address' });
    expect(checkAddressChoice(false)).toEqual({});
  });

  it('rule: the address the sponsor gives needs a first line, a town and a real postcode', () => {
    expect(checkAddress({ line1: '', line2: '', town: '', postcode: 'LS1' })).toEqual({
      'address-line-1': 'Enter the first line of the address',
      'address-town': 'Enter the town or city',
      'address-postcode': 'Enter a real postcode, like LS1 4AP',
    });
    expect(checkAddress({ line1: 'Ward 4, Training General Hospital', line2: '', town: 'Leeds', postcode: 'ls1 4ap' })).toEqual({});
  });

  it('rule: Notes needs the kind of access, then a position, or a colleague and their smartcard number', () => {
    expect(checkNotes(EMPTY_DRAFT.notes)).toEqual({ 'access-kind': 'Select the access the applicant needs' });
    expect(checkNotes({ ...EMPTY_DRAFT.notes, accessKind: 'position' })).toEqual({ 'access-position': 'Select the access position' });
    expect(checkNotes({ ...EMPTY_DRAFT.notes, accessKind: 'copy' })).toEqual({
      'colleague-name': "Enter your colleague's name",
      'colleague-card-number': "Enter your colleague's smartcard number",
    });
    expect(checkNotes({ ...EMPTY_DRAFT.notes, accessKind: 'copy', colleagueName: 'Grace Okafor', colleagueCardNumber: '5566 7788', notes: 'x'.repeat(1001) })).toEqual({
      notes: 'Notes must be 1000 characters or fewer',
    });
  });
});

describe('new application: check your answers and submit', () => {
  it('rule: the check page sends the sponsor back to the first unfinished step', () => {
    expect(firstUnfinishedStep(EMPTY_DRAFT, TODAY)).toBe('details');
    expect(firstUnfinishedStep({ ...FILLED, applicantProvidesAddress: null }, TODAY)).toBe('address-choice');
    expect(firstUnfinishedStep({ ...FILLED, applicantProvidesAddress: false }, TODAY)).toBe('address');
    expect(firstUnfinishedStep({ ...FILLED, notes: EMPTY_DRAFT.notes }, TODAY)).toBe('notes');
    expect(firstUnfinishedStep(FILLED, TODAY)).toBeNull();
    expect(bodyOf({ ...FILLED, notes: EMPTY_DRAFT.notes }, TODAY)).toBeNull();
  });

  it('rule: a finished draft is a body the service accepts, with the address only when the sponsor gives it', () => {
    const body = bodyOf(FILLED, TODAY);
    expect(body).toEqual({
      applicant: { givenName: 'Aisha', familyName: 'Khan', dateOfBirth: '1991-02-14', niNumber: 'AB123456C', email: 'aisha.khan@nhs.net', mobile: '07700900123' },
      applicantProvidesAddress: true,
      access: { kind: 'position', positionId: 7 },
      notes: 'Starts on ward 4',
    });
    expect(NewApplicationBody.safeParse(body).success).toBe(true);

    const withAddress = bodyOf(
      {
        ...FILLED,
        applicantProvidesAddress: false,
        address: { line1: 'Ward 4', line2: ' ', town: 'Leeds', postcode: 'ls1 4ap' },
        notes: { ...FILLED.notes, accessKind: 'copy', colleagueName: 'Grace Okafor', colleagueCardNumber: ' 5566 ' },
      },
      TODAY,
    );
    expect(withAddress?.deliveryAddress).toEqual({ line1: 'Ward 4', town: 'Leeds', postcode: 'LS1 4AP' });
    expect(withAddress?.access).toEqual({ kind: 'copy', colleagueName: 'Grace Okafor', colleagueCardNumber: '5566' });
    expect(NewApplicationBody.safeParse(withAddress).success).toBe(true);
  });
});
