import type { AgentRequest } from '../../src-shared/api/agent-api.js';
import { NiNumber, Uuid } from '../../src-shared/api/service-common.js';
import type { ErrorItem } from '../components/error-summary.js';

// Turns the "Find an existing user" form into a request, or into NHS-style error messages.
// The agent and the service check it again; this is only so a user hears about a typo at once.

export interface FindUserValues {
  readonly name: string;
  readonly niNumber: string;
  readonly cardUuid: string;
  readonly onlyMyOrganisations: boolean;
}

export const EMPTY_FIND_USER_VALUES: FindUserValues = { name: '', niNumber: '', cardUuid: '', onlyMyOrganisations: false };

export const FIND_USER_FIELD_IDS = {
  name: 'find-name',
  niNumber: 'find-ni-number',
  cardUuid: 'find-card-uuid',
} as const;

export type FindUserField = keyof typeof FIND_USER_FIELD_IDS;

export type FindUserCheck =
  | { readonly ok: true; readonly request: AgentRequest<'cim.findUsers'> }
  | { readonly ok: false; readonly errors: Partial<Record<FindUserField, string>>; readonly summary: ErrorItem[] };

export function checkFindUser(values: FindUserValues): FindUserCheck {
  const name = values.name.trim();
  const niNumber = values.niNumber.trim();
  const cardUuid = values.cardUuid.trim();
  const errors: Partial<Record<FindUserField, string>> = {};

  if (!name && !niNumber && !cardUuid) {
    errors.name = 'Enter a name, National Insurance number or smartcard UUID';
  }
  if (name.length > 100) errors.name = 'Name must be 100 characters or fewer';
  if (niNumber && !NiNumber.safeParse(niNumber).success) {
    errors.niNumber = 'Enter a National Insurance number in the correct format, like QQ 12 34 56 C';
  }
  if (cardUuid && !Uuid.safeParse(cardUuid.toLowerCase()).success) {
    errors.cardUuid = 'Enter the smartcard UUID as shown in the Identity Agent, like 0d3f0c52-6a1e-4c3b-9b8e-2f6d1a7c4e90';
  }

  const fields = Object.keys(errors) as FindUserField[];
  if (fields.length > 0) {
    return {
      ok: false,
      errors,
      summary: fields.map((field) => ({ text: errors[field] as string, href: `#${FIND_USER_FIELD_IDS[field]}` })),
    };
  }
  return {
    ok: true,
    request: {
      ...(name ? { name } : {}),
      ...(niNumber ? { niNumber } : {}),
      ...(cardUuid ? { cardUuid: cardUuid.toLowerCase() } : {}),
      onlyMyOrganisations: values.onlyMyOrganisations,
    },
  };
}
