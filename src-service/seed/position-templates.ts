import type { RoleCode } from '../../src-shared/domain/roles.js';

// The positions each kind of workplace offers, and how many of its staff hold each (weights are
// relative within one workplace). RA roles ride on a few positions so the proportions look like a
// real directory: a Registration Authority Manager or two per trust, a handful of agents and ID
// checkers in its RA team, a local smartcard administrator on the service desk or in the
// practice office, and many more sponsors (ward managers, matrons, GP partners, pharmacy managers).

export interface PositionTemplate {
  readonly title: string;
  /** The national access-role family the position's job sits in. */
  readonly jobRole: string;
  readonly roles: readonly RoleCode[];
  readonly weight: number;
  /** Present in every workplace of its kind; the others are dropped at random. */
  readonly always?: true;
  /** Positions the RA team keeps to itself: a sponsor may not assign them. */
  readonly restricted?: true;
}

const CLINICAL = 'Clinical Practitioner Access Role';
const NURSE = 'Nurse Access Role';
const HEALTH_PROFESSIONAL = 'Health Professional Access Role';
const SUPPORT = 'Admin/Clinical Support Access Role';
const CLERICAL = 'Clerical Access Role';
const STUDENT = 'Healthcare Student Access Role';
const RA_JOB = 'Registration Authority Access Role';

/** A clinical directorate in a trust (a ward or department at one of its sites). */
export const DIRECTORATE_POSITIONS: readonly PositionTemplate[] = [
  { title: 'Staff Nurse', jobRole: NURSE, roles: [], weight: 25, always: true },
  { title: 'Healthcare Assistant', jobRole: SUPPORT, roles: [], weight: 15, always: true },
  { title: 'Senior Staff Nurse', jobRole: NURSE, roles: [], weight: 8 },
  { title: 'Consultant', jobRole: CLINICAL, roles: [], weight: 6, always: true },
  { title: 'Specialty Registrar', jobRole: CLINICAL, roles: [], weight: 5 },
  { title: 'Foundation Doctor', jobRole: CLINICAL, roles: [], weight: 4 },
  { title: 'Ward Clerk', jobRole: CLERICAL, roles: [], weight: 6 },
  { title: 'Medical Secretary', jobRole: CLERICAL, roles: [], weight: 4 },
  { title: 'Physiotherapist', jobRole: HEALTH_PROFESSIONAL, roles: [], weight: 4 },
  { title: 'Occupational Therapist', jobRole: HEALTH_PROFESSIONAL, roles: [], weight: 3 },
  { title: 'Radiographer', jobRole: HEALTH_PROFESSIONAL, roles: [], weight: 3 },
  { title: 'Ward Pharmacist', jobRole: HEALTH_PROFESSIONAL, roles: [], weight: 2 },
  { title: 'Student Nurse', jobRole: STUDENT, roles: [], weight: 3 },
  { title: 'Ward Manager', jobRole: NURSE, roles: ['S'], weight: 2.5, always: true },
  { title: 'Matron', jobRole: NURSE, roles: ['S'], weight: 0.6 },
  { title: 'Clinical Director', jobRole: CLINICAL, roles: ['S'], weight: 0.3 },
];

/** A trust's corporate services, held at the trust itself: where its RA team sits. */
export const TRUST_CORPORATE_POSITIONS: readonly PositionTemplate[] = [
  { title: 'Registration Authority Manager', jobRole: RA_JOB, roles: ['RAM'], weight: 0.02, always: true, restricted: true },
  { title: 'Registration Authority Agent (Advanced)', jobRole: RA_JOB, roles: ['RAA(A)'], weight: 0.05, always: true, restricted: true },
  { title: 'Registration Authority Agent', jobRole: RA_JOB, roles: ['RAA'], weight: 0.15, always: true, restricted: true },
  { title: 'ID Checker', jobRole: CLERICAL, roles: ['IDC'], weight: 0.2, always: true, restricted: true },
  { title: 'IT Service Desk Analyst', jobRole: SUPPORT, roles: ['LSA'], weight: 0.5, always: true },
  { title: 'Medical Records Officer', jobRole: CLERICAL, roles: [], weight: 4, always: true },
  { title: 'HR Adviser', jobRole: SUPPORT, roles: [], weight: 2, always: true },
  { title: 'Information Governance Officer', jobRole: SUPPORT, roles: [], weight: 1, always: true },
  { title: 'Finance Officer', jobRole: CLERICAL, roles: [], weight: 2, always: true },
];

export const GP_PRACTICE_POSITIONS: readonly PositionTemplate[] = [
  { title: 'Receptionist', jobRole: CLERICAL, roles: [], weight: 8, always: true },
  { title: 'Practice Nurse', jobRole: NURSE, roles: [], weight: 4, always: true },
  { title: 'GP Partner', jobRole: CLINICAL, roles: ['S'], weight: 3, always: true },
  { title: 'Salaried GP', jobRole: CLINICAL, roles: [], weight: 3 },
  { title: 'Healthcare Assistant', jobRole: SUPPORT, roles: [], weight: 3 },
  { title: 'Medical Secretary', jobRole: CLERICAL, roles: [], weight: 2 },
  { title: 'Clinical Pharmacist', jobRole: HEALTH_PROFESSIONAL, roles: [], weight: 1 },
  { title: 'Practice Manager', jobRole: SUPPORT, roles: ['S', 'LSA'], weight: 1, always: true },
];

export const PHARMACY_POSITIONS: readonly PositionTemplate[] = [
  { title: 'Pharmacist Manager', jobRole: HEALTH_PROFESSIONAL, roles: ['S'], weight: 1, always: true },
  { title: 'Pharmacist', jobRole: HEALTH_PROFESSIONAL, roles: [], weight: 2, always: true },
  { title: 'Pharmacy Technician', jobRole: SUPPORT, roles: [], weight: 2 },
  { title: 'Dispenser', jobRole: SUPPORT, roles: [], weight: 3, always: true },
  { title: 'Medicines Counter Assistant', jobRole: CLERICAL, roles: [], weight: 2 },
];
