import { createContext, useContext } from 'react';
import type { SignedInSession } from '../../src-shared/api/agent-api.js';

// The signed-in session, for any CIM page that needs to know who is working and in which
// position (its roles decide which tasks are offered; the service decides what is allowed).

export const CimSessionContext = createContext<SignedInSession | null>(null);

export function useCimSession(): SignedInSession {
  const session = useContext(CimSessionContext);
  if (!session) throw new Error('useCimSession needs a signed-in CIM area');
  return session;
}
