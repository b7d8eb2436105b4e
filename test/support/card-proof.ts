import { createCipheriv, randomBytes } from 'node:crypto';
import { readCardSecret } from '../../src-service/crypto/card-secrets.js';
import type { RunningService } from '../../src-service/start-service.js';

// The card's side of proving itself (src-shared/api/service-card-proof.ts), as the agent relays
// it, computed with the management key the service holds for it. A card the service does not
// know answers with a key of its own (and so fails).

/** One AES-128 block, ECB: the card's side of GENERAL AUTHENTICATE with its management key. */
export function aesBlock(key: Buffer, block: Buffer): Buffer {
  const cipher = createCipheriv('aes-128-ecb', key, null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(block), cipher.final()]);
}

/** `body` (for POST /v1/unlock/self or /v1/renewals/recover) with the card's proof, made through POST /v1/card-proof/witness. */
export async function withCardProof<T extends { workstationId: string; cardUuid: string }>(
  service: RunningService,
  body: T,
): Promise<T & { cardProof: { exchangeId: string; cardResponse: string } }> {
  const key = (await readCardSecret(service.ctx.db, service.ctx.dataKey, body.cardUuid.toLowerCase(), 'management-key'))?.value ?? randomBytes(16);
  const res = await fetch(`${service.url}/v1/card-proof/witness`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ workstationId: body.workstationId, cardUuid: body.cardUuid, witness: aesBlock(key, randomBytes(16)).toString('base64') }),
  });
  if (res.status !== 200) throw new Error(`card proof witness refused: ${res.status}`);
  const witness = (await res.json()) as { exchangeId: string; challenge: string };
  const cardResponse = aesBlock(key, Buffer.from(witness.challenge, 'base64')).toString('base64');
  return { ...body, cardProof: { exchangeId: witness.exchangeId, cardResponse } };
}
