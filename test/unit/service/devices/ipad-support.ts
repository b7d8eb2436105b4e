import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { SignInFinisher } from '../../../../src-service/devices/ipad-sign-in.js';
import type { Aal, AuthenticatorKind } from '../../../../src-shared/api/oidc.js';
import { actor, addUser } from '../../../support/service-fixtures.js';
import { uniqueNi, type Harness } from '../cim/cim-harness.js';

// iPad scenarios the device tests share: a person to issue an iPad to, an RA manager's QR link
// for them, a folder for the reference device's key, and a stand-in for the provider's finishing
// step that records what it was asked. (Not a test file.)

export const personAt = (h: Harness, orgId: number) => addUser(h.db, { given: 'Amelia', family: 'Hart', homeOrgId: orgId, ni: uniqueNi() });
export const raManager = (h: Harness, orgId: number) => actor(h.db, orgId, ['RAM'], 'Manager');
export const deviceDir = (): string => join(mkdtempSync(join(tmpdir(), 'cis-device-')), 'device');

export async function registrationLink(h: Harness, token: string, userUuid: string): Promise<string> {
  const res = await h.call('POST', `/v1/users/${userUuid}/authenticators/ipad-enrolments`, { token });
  expect(res.status).toBe(201);
  return res.body.link as string;
}

export interface Finished {
  readonly uid: string;
  readonly who: { userId: number; aal: Aal; kind: AuthenticatorKind; authenticatorId?: number };
}

/** The provider's side for interaction uids it is given: each finished sign-in is recorded. */
export function fakeProvider(clientName = 'Training clinical app'): SignInFinisher & { finished: Finished[] } {
  const finished: Finished[] = [];
  return {
    finished,
    requiredAalOf: () => Promise.resolve({ aal: 3, clientName }),
    finishSignIn: (_ctx, uid, who) => {
      finished.push({ uid, who });
      return Promise.resolve({ redirectTo: `/oidc/interaction/${uid}/done` });
    },
  };
}
