import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOutbox } from '../../../../src-service/notify/outbox.js';
import { startService, type RunningService } from '../../../../src-service/start-service.js';
import { actor, addOrg, addPosition, proofHeaders, testStorage } from '../../../support/service-fixtures.js';
import { uniqueNi } from '../cim/cim-harness.js';

// A text message gateway that refuses: the application stands (the sponsor can Resend), and the
// email still goes.

let service: RunningService;
let secretFile: string;
beforeAll(async () => {
  const storage = testStorage('cis-apply-send-');
  secretFile = storage.secretFile;
  service = await startService({
    ...storage,
    host: '127.0.0.1',
    port: 0,
    outbox: true,
    smsSender: {
      send: () => Promise.reject(new Error('gateway down')),
    },
  });
});
afterAll(async () => {
  await service.close();
  rmSync(dirname(secretFile), { recursive: true, force: true });
});

describe('an invite that cannot be sent', () => {
  it('rule: a send failure does not undo the application: it is stored with its links, the email still goes, and it can be resent', async () => {
    const { db } = service.ctx;
    const trust = await addOrg(db, { code: 'RSF', name: 'Send Failure NHS Trust', kind: 'trust' });
    const position = await addPosition(db, { orgId: trust.id, title: 'Porter' });
    const me = await actor(db, trust.id, ['S']);
    await db.insertInto('apply_settings').values({ user_id: me.userId, query_email: 'queries@example.nhs.net', changed_at: 0 }).execute();
    const body = {
      applicant: { givenName: 'Robin', familyName: 'Unsent', dateOfBirth: '1995-05-05', niNumber: uniqueNi(), email: 'robin.unsent@example.nhs.net', mobile: '07700900999' },
      applicantProvidesAddress: true,
      access: { kind: 'position', positionId: position },
      notes: '',
    };
    const path = '/v1/apply/applications';
    const res = await fetch(`${service.url}${path}`, {
      method: 'POST',
      headers: { ...(await proofHeaders(service, 'POST', path, me.token)), 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { reference: string; status: string };
    expect(created.status).toBe('in-progress');
    const app = await db.selectFrom('applications').select('id').where('reference', '=', created.reference).executeTakeFirstOrThrow();
    expect(await db.selectFrom('application_links').select('purpose').where('application_id', '=', app.id).orderBy('purpose').execute()).toEqual([{ purpose: 'details' }, { purpose: 'identity' }]);
    expect((await readOutbox(db)).map((m) => [m.channel, m.to])).toEqual([['email', 'robin.unsent@example.nhs.net']]);

    const resendPath = `/v1/apply/applications/${created.reference}/resend`;
    const resent = await fetch(`${service.url}${resendPath}`, { method: 'POST', headers: await proofHeaders(service, 'POST', resendPath, me.token) });
    expect(resent.status).toBe(200);
  });
});
