// The training personas as a trainee meets them (src-service/seed/personas.ts and
// src-main/training/training-passcodes.ts): role label, name, training passcode, position.

export interface Persona {
  readonly role: string;
  readonly name: string;
  readonly passcode: string;
  readonly organisation: string;
  readonly position: string;
}

export const CLINICIAN: Persona = {
  role: 'Clinician',
  name: 'Amelia Hart',
  passcode: '123456',
  organisation: 'Training General Hospital',
  position: 'Consultant',
};

export const SPONSOR: Persona = {
  role: 'Sponsor',
  name: 'Grace Okafor',
  passcode: '123456',
  organisation: 'Training General Hospital',
  position: 'Ward Manager',
};

export const RA_AGENT: Persona = {
  role: 'RA Agent',
  name: 'Priya Patel',
  passcode: '123456',
  organisation: 'Training NHS Trust',
  position: 'Registration Authority Agent',
};

export const NEAR_EXPIRY: Persona = {
  role: 'Card near expiry',
  name: 'Zoë Smith-Jones',
  passcode: '123456',
  organisation: 'Training Medical Practice',
  position: 'Salaried GP',
};

export const LOCKED_CARD: Persona = {
  role: 'Locked card',
  name: 'Rhys Evans',
  passcode: '654321',
  organisation: 'Training General Hospital',
  position: 'Staff Nurse',
};

export const LSA: Persona = {
  role: 'Local Smartcard Administrator',
  name: 'Tom Bradley',
  passcode: '123456',
  organisation: 'Training NHS Trust',
  position: 'IT Service Desk Analyst',
};

export const EXPIRED_CARD: Persona = {
  role: 'Card expired',
  name: 'Nia Roberts',
  passcode: '123456',
  organisation: 'Training General Hospital',
  position: 'Physiotherapist',
};

export const RA_MANAGER: Persona = {
  role: 'RA Manager',
  name: "Seán O'Connor",
  passcode: '123456',
  organisation: 'Training NHS Trust',
  position: 'Registration Authority Manager',
};

export const ID_CHECKER: Persona = {
  role: 'ID Checker',
  name: 'Imran Qureshi',
  passcode: '123456',
  organisation: 'Training NHS Trust',
  position: 'ID Checker',
};
