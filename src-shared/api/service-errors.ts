import { z } from 'zod';

// Every error body the identity service sends. `code` is for programs; `message` is for people
// and never contains a secret or echoes a credential.

export const ServiceErrorCode = z.enum([
  'bad-request',
  'unauthenticated',
  'forbidden',
  'out-of-scope',
  'not-found',
  'conflict',
  'payload-too-large',
  'login-failed',
  /** 429: too many of something for one card in a while (security codes). */
  'rate-limited',
  'unavailable',
  'internal',
]);
export type ServiceErrorCode = z.infer<typeof ServiceErrorCode>;

const FieldProblem = z.strictObject({ path: z.string(), message: z.string() });

export const ServiceErrorBody = z.strictObject({
  code: ServiceErrorCode,
  message: z.string(),
  /** For 400: which fields failed and why. */
  fields: z.array(FieldProblem).optional(),
  /** For 409: the record that already exists (a user profile for the same person). */
  existing: z.strictObject({ uuid: z.uuid(), name: z.string() }).optional(),
});
export type ServiceErrorBody = z.infer<typeof ServiceErrorBody>;
