import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServiceClient } from '../../../src-main/service-client/service-client.js';
import { ServiceRefusedError } from '../../../src-main/service-client/service-client-errors.js';
import { startService, type RunningService } from '../../../src-service/start-service.js';
import { actor, addOrg, TEST_KEY, tempDbFile } from '../../support/service-fixtures.js';

// Session calls carry a proof dated by the workstation (DPoP), which the service accepts only
// within a minute of its own clock. A workstation whose clock has drifted further must still
// work: the service dates every answer by its own clock, and the agent dates its proofs by that.

const DRIFT_MS = 10 * 60_000;
/** The workstation's clock: ten minutes behind the service's. */
const drifted = (): Date => new Date(Date.now() - DRIFT_MS);
let service: RunningService;
let ahead: RunningService;
const dbFiles = [tempDbFile('cis-clock-'), tempDbFile('cis-clock-ahead-')];

beforeAll(async () => {
  service = await startService({ dbFile: dbFiles[0] as string });
  ahead = await startService({ dbFile: dbFiles[1] as string, now: () => new Date(Date.now() + DRIFT_MS) });
});
afterAll(async () => {
  await service.close();
  await ahead.close();
  for (const f of dbFiles) rmSync(dirname(f), { recursive: true, force: true });
});

describe("rule: a workstation whose clock has drifted dates its proofs by the service's clock", () => {
  it('every answer carries the service clock in its Date header', async () => {
    const res = await fetch(`${ahead.url}/v1/health`);
    expect(Math.abs(Date.parse(res.headers.get('date') ?? '') - (Date.now() + DRIFT_MS))).toBeLessThan(5_000);
  });

  it('ten minutes behind the service, the agent still makes session calls once the service has answered it', async () => {
    const org = await addOrg(service.ctx.db, { code: 'CLK1', name: 'Clock Trust' });
    const me = await actor(service.ctx.db, org.id, []);
    const client = new ServiceClient(service.url, { key: TEST_KEY, now: drifted });
    await client.health();
    const found = await client.findUsers(me.token, { name: 'Clinician', onlyMyOrganisations: true });
    expect(found.results.map((u) => u.uuid)).toContain(me.uuid);
  });

  it('a proof dated by the drifted clock alone is still refused: the window is the service clock', async () => {
    const org = await addOrg(service.ctx.db, { code: 'CLK2', name: 'Clock Trust 2' });
    const me = await actor(service.ctx.db, org.id, []);
    const client = new ServiceClient(service.url, { key: TEST_KEY, now: drifted });
    const refused = await client.findUsers(me.token, { name: 'Clinician', onlyMyOrganisations: true }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(ServiceRefusedError);
    expect(refused).toMatchObject({ status: 401 });
  });
});
