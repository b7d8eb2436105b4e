import { applyProfileStatus } from '../cim/profile-status.js';
import { userByUuidOr404 } from '../cim/user-lookup.js';
import type { ServiceContext } from '../service-context.js';

// Closing a user profile from outside CIM (a leaver's process, a tool): the same close as RA
// staff make (cim/profile-status.ts), so login refuses the profile and every live session of
// its holder ends at once, on any card and workstation.

export interface CloseProfileInput {
  readonly userUuid: string;
  /** Who closed it: a user UUID, or 'system'. */
  readonly actor: string;
  readonly reason?: string;
  readonly workstationId?: string | null;
}

export async function closeProfile(ctx: ServiceContext, input: CloseProfileInput): Promise<{ sessionsEnded: number }> {
  const user = await userByUuidOr404(ctx.db, input.userUuid);
  return applyProfileStatus(ctx.db, user.id, 'close', input.actor, input.reason ?? null, ctx.now(), input.workstationId ?? null);
}
