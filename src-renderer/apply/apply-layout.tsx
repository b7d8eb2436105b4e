import { useState } from 'react';
import { Outlet, useOutletContext } from 'react-router';
import type { ApplicationCreated } from '../../src-shared/api/apply.js';
import type { z } from 'zod';
import { EMPTY_DRAFT, type ApplicationDraft } from './application-draft.js';

// Apply for Care ID's pages share one layout that holds the new application being filled in, so
// its answers survive moving between steps, Back, and Change links from the check page. It lives
// as long as the signed-in area does: the next person to sign in starts with an empty form.

type CreatedApplication = z.infer<typeof ApplicationCreated> & { readonly applicantName: string };

interface ApplyLayoutContext {
  readonly draft: ApplicationDraft;
  readonly setDraft: (update: (draft: ApplicationDraft) => ApplicationDraft) => void;
  /** The last application submitted, for its confirmation page. */
  readonly created: CreatedApplication | null;
  readonly setCreated: (created: CreatedApplication | null) => void;
}

export function ApplyLayout() {
  const [draft, setDraftState] = useState<ApplicationDraft>(EMPTY_DRAFT);
  const [created, setCreated] = useState<CreatedApplication | null>(null);
  const context: ApplyLayoutContext = { draft, setDraft: setDraftState, created, setCreated };
  return <Outlet context={context} />;
}

export const useApplyLayout = (): ApplyLayoutContext => useOutletContext<ApplyLayoutContext>();
