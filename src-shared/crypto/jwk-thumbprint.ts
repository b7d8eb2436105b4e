import { createHash } from 'node:crypto';

// RFC 7638 JWK thumbprint of an EC public key: the SHA-256 of its required members in
// lexicographic order, with no whitespace, in base64url. What a session is bound to (RFC 9449
// `jkt`); the agent and the service both compute it here, so they cannot disagree.

export interface EcPublicJwk {
  readonly kty: 'EC';
  readonly crv: string;
  readonly x: string;
  readonly y: string;
}

export function jwkThumbprint(jwk: EcPublicJwk): string {
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}
