import { randomBytes } from 'node:crypto';
import type { Insertable } from 'kysely';
import type { Db } from '../../src-service/store/database.js';
import type { Tables } from '../../src-service/store/tables.js';
import { normaliseName } from '../../src-service/cim/normalise-name.js';

// Applications written straight into the store, for tests of the layers that read and decide
// them (the dashboard, the ID check): each test states only what its rule is about.

const REFERENCE_CHARS = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';
let made = 0;

/** A fresh, valid application ID. */
function testReference(): string {
  const bytes = randomBytes(8);
  return `ACI-${[...bytes].map((b) => REFERENCE_CHARS[b % REFERENCE_CHARS.length]).join('')}`;
}

export type ApplicationFields = Partial<Insertable<Tables['applications']>>;

/** Inserts an application raised by `raisedBy` at `orgId`; returns its id and reference. */
export async function addApplication(db: Db, a: { orgId: number; raisedBy: number; at?: Date } & ApplicationFields): Promise<{ id: number; reference: string }> {
  made += 1;
  const at = (a.at ?? new Date()).getTime();
  const givenName = a.given_name ?? 'Alex';
  const familyName = a.family_name ?? `Applicant${made}`;
  const email = a.email ?? `alex.applicant${made}@example.nhs.net`;
  const { orgId, raisedBy, at: _at, ...fields } = a;
  const reference = fields.reference ?? testReference();
  const { id } = await db
    .insertInto('applications')
    .values({
      reference,
      org_id: orgId,
      raised_by: raisedBy,
      raised_at: at,
      given_name: givenName,
      family_name: familyName,
      given_name_norm: normaliseName(givenName),
      family_name_norm: normaliseName(familyName),
      date_of_birth: '1990-04-12',
      ni_number: `AB${String(100000 + made).slice(-6)}C`,
      email,
      email_norm: email.toLowerCase(),
      mobile: '07700900500',
      applicant_provides_address: 1,
      access_kind: 'position',
      notes: '',
      status: 'in-progress',
      status_changed_at: at,
      invites_sent: 1,
      last_invited_at: at,
      last_activity_at: at,
      ...fields,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id, reference };
}
