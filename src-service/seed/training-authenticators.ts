import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { appendAudit } from '../audit/audit-log.js';
import type { Db } from '../store/database.js';
import { inTransaction } from '../store/transaction.js';
import { PERSONAS } from './personas.js';

// A security key on the training clinician's profile, issued by the training RA agent, so the
// Authenticators tab has an entry to show (and to remove) before a trainee adds their own. Its
// key pair is made here and the private half dropped: it lists like a real key but signs nobody
// in. Written once; audited like one added by hand, so the profile's History shows it.

const SEEDED_KEY_UUID = 'c1a55e00-0000-4000-8000-00000000a001';

export async function seedTrainingAuthenticators(db: Db, now: Date): Promise<void> {
  const holder = PERSONAS.find((p) => p.key === 'clinician');
  const issuer = PERSONAS.find((p) => p.key === 'ra-agent');
  if (!holder || !issuer) return;
  await inTransaction(db, async (trx) => {
    if (await trx.selectFrom('authenticators').select('id').where('uuid', '=', SEEDED_KEY_UUID).executeTakeFirst()) return;
    const users = await trx.selectFrom('users').select(['id', 'uuid']).where('uuid', 'in', [holder.uuid, issuer.uuid]).execute();
    const holderId = users.find((u) => u.uuid === holder.uuid)?.id;
    const issuerId = users.find((u) => u.uuid === issuer.uuid)?.id;
    if (holderId === undefined || issuerId === undefined) return;
    const spki = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'der', type: 'spki' });
    await trx
      .insertInto('authenticators')
      .values({
        user_id: holderId,
        kind: 'security-key',
        label: 'Security key',
        created_at: now.toISOString(),
        uuid: SEEDED_KEY_UUID,
        aal: 2,
        credential_id: randomBytes(32).toString('base64url'),
        public_key: spki,
        sign_count: 0,
        details: JSON.stringify({ fmt: 'none', transports: ['usb'], training: true }),
        issued_by: issuerId,
      })
      .execute();
    await appendAudit(
      trx,
      { action: 'authenticator.added', actor: issuer.uuid, subject: holder.uuid, details: { authenticator: SEEDED_KEY_UUID, kind: 'security-key', label: 'Security key', aal: 2 } },
      now,
    );
  });
}
