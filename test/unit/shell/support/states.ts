import { AgentState } from '../../../../src-shared/api/agent-api.js';
import { initialState } from './fake-agent.js';

// Agent states for shell tests, checked against the contract so they cannot drift from it.

export function signedIn(options: { renewalDue?: boolean; daysToExpiry?: number; signedInAt?: string; name?: string } = {}): AgentState {
  return AgentState.parse({
    ...initialState(),
    version: 5,
    indicator: options.renewalDue ? 'expiring' : 'signed-in',
    screen: {
      kind: 'signed-in',
      session: {
        user: { uuid: 'c1a55e00-0000-4000-8000-000000000001', name: options.name ?? 'Amelia Hart' },
        cardUuid: '0b4c4e8e-1f6b-4d8a-9a51-8d1a7c1d2e3f',
        reader: 'Reader 1',
        position: {
          id: 1,
          title: 'Consultant',
          jobRole: 'Clinical Practitioner Access Role',
          organisation: { code: 'RZZ01', name: 'Training General Hospital', kind: 'site', parentCode: 'RZZ' },
          roles: [],
          assignable: true,
        },
        expiry: { certificateNotAfter: '2030-01-01T00:00:00.000Z', daysToExpiry: options.daysToExpiry ?? 400, renewalDue: options.renewalDue ?? false },
        signedInAt: options.signedInAt ?? '2025-11-23T09:00:00.000Z',
      },
      serviceCard: null,
      renewal: null,
      signedInTo: [],
    },
  });
}
