import { describe, expect, it } from 'vitest';
import { tableCounts } from '../cim/cim-harness.js';
import { harnessPerFile } from './harness-per-file.js';
import { applicationBody, positionAt, sponsorAt } from './sponsor-support.js';

// Bad input to every sponsor endpoint: a 400 that names the field, and nothing changes.

const { h, orgs } = harnessPerFile();

describe("bad input to the sponsor's endpoints", () => {
  it('rule: a malformed application ID, reference list, reason, position or bulk body is refused naming the field, and nothing changes', async () => {
    const me = await sponsorAt(h, orgs.trustA.id);
    const position = await positionAt(h, orgs.trustA.id);
    const created = await h.call('POST', '/v1/apply/applications', { token: me.token, json: applicationBody(position) });
    const ref = created.body.reference as string;
    const before = await tableCounts(h.db);
    const cases: [string, string, unknown, string][] = [
      ['POST', '/v1/apply/applications/ACI-1234/resend', undefined, 'params.reference'],
      ['POST', '/v1/apply/applications/ACI-IIIIIIII/done', undefined, 'params.reference'],
      ['POST', '/v1/apply/resend', { references: [] }, 'body.references'],
      ['POST', '/v1/apply/resend', { references: ['nope'] }, 'body.references.0'],
      ['POST', `/v1/apply/applications/${ref}/cancel`, { reason: 'x'.repeat(501) }, 'body.reason'],
      ['POST', '/v1/apply/applications', { ...applicationBody(position), access: { kind: 'position', positionId: -1 } }, 'body.access.positionId'],
      ['POST', '/v1/apply/applications', { ...applicationBody(position), notes: 'n'.repeat(1001) }, 'body.notes'],
      ['POST', '/v1/apply/bulk', { fileName: '', csv: 'a' }, 'body.fileName'],
      ['POST', '/v1/apply/bulk', { fileName: 'f.csv' }, 'body.csv'],
    ];
    for (const [method, path, json, field] of cases) {
      const res = await h.call(method, path, json === undefined ? { token: me.token } : { token: me.token, json });
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(res.body.fields.map((f: { path: string }) => f.path)).toContain(field);
    }
    expect(await tableCounts(h.db)).toEqual(before);
  });
});
