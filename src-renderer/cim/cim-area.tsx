import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState } from 'react';
import { createHashRouter, RouterProvider } from 'react-router';
import type { SignedInSession } from '../../src-shared/api/agent-api.js';
import { CIM_ROUTES } from './cim-routes.js';
import { CimSessionContext } from './cim-session.js';

/**
 * The CIM pages of a signed-in session. The router and the loaded data live as long as the
 * session's area does: when the session ends they go with it, so the next person to sign in
 * never sees the last one's data, even for a moment.
 */
export function CimArea({ session }: { session: SignedInSession }) {
  const [router] = useState(() => createHashRouter(CIM_ROUTES));
  const [queries] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          // The agent reports failures in the user's words; retrying a refusal would only delay them.
          queries: { retry: false, refetchOnWindowFocus: false, staleTime: 30_000 },
        },
      }),
  );
  return (
    <CimSessionContext.Provider value={session}>
      <QueryClientProvider client={queries}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </CimSessionContext.Provider>
  );
}
