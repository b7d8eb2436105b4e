import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type RunningService } from '../../../../src-service/start-service.js';
import { testStorage } from '../../../support/service-fixtures.js';

// The applicant's pages need no session of the service, so anyone can call them: they are under
// the same request limits as login and self-service unlock.

let service: RunningService;
beforeAll(async () => {
  service = await startService({ host: '127.0.0.1', port: 0, ...testStorage('cis-apply-limits-'), rateLimitPerClient: 3 });
});
afterAll(async () => {
  await service.close();
  rmSync(dirname(service.ctx.config.secretFile as string), { recursive: true, force: true });
});

describe('applicant page limits', () => {
  it('rule: the applicant pages are limited per client like the other endpoints without a session', async () => {
    const statuses: number[] = [];
    for (const path of ['/apply/link/aaaaaaaaaaaaaaaaaaaaaaaa', '/apply/details', '/apply/identity', '/apply/identity/check']) {
      statuses.push((await fetch(`${service.url}${path}`)).status);
    }
    expect(statuses).toEqual([404, 401, 401, 429]);
    const refused = await fetch(`${service.url}/apply/link/aaaaaaaaaaaaaaaaaaaaaaaa`, { method: 'POST' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).not.toBeNull();
  });
});
