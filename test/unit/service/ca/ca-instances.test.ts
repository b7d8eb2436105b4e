import { X509Certificate } from 'node:crypto';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { CA_SECRET_NAMES } from '../../../../src-service/ca/ca-storage.js';
import { startService } from '../../../../src-service/start-service.js';
import { testStorage } from '../../../support/service-fixtures.js';

// The CA is made on a service's first start and kept in the database. Instances of one
// deployment start side by side on one new database (and, on PostgreSQL, on separate
// connections): each makes a CA, only one may be kept, and every instance must issue under it
// and accept the certificates the others issue.

const shared = testStorage('cis-ca-instances-');
afterAll(() => rmSync(dirname(shared.secretFile), { recursive: true, force: true }));

it('two instances starting at once on one new database end with one CA, and both use it', async () => {
  const [a, b] = await Promise.all([startService({ ...shared }), startService({ ...shared })]);
  try {
    expect(a.ctx.ca.issuing.fingerprint256).toBe(b.ctx.ca.issuing.fingerprint256);
    expect(a.ctx.ca.root.fingerprint256).toBe(b.ctx.ca.root.fingerprint256);
    const stored = await a.ctx.db.selectFrom('service_secrets').select('value').where('name', '=', CA_SECRET_NAMES.issuingCertificate).execute();
    expect(stored.map((row) => new X509Certificate(row.value).fingerprint256)).toEqual([a.ctx.ca.issuing.fingerprint256]);
    // A third instance started later loads that same CA.
    const c = await startService({ ...shared });
    try {
      expect(c.ctx.ca.issuing.fingerprint256).toBe(a.ctx.ca.issuing.fingerprint256);
    } finally {
      await c.close();
    }
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});
