import { z } from 'zod';

// Stable codes for every failure the card and reader layers can report. The agent API and the
// renderer speak these codes; the human wording lives next to the code that raises them.
export const CardErrorCode = z.enum([
  'wrong-passcode',
  'card-blocked',
  'not-found',
  'security-status-not-satisfied',
  'wrong-data',
  'incorrect-parameters',
  'reference-not-found',
  'instruction-not-supported',
  'class-not-supported',
  'wrong-length',
  'conditions-not-satisfied',
  'unexpected-status',
  'malformed-response',
  'passcode-policy',
  'card-removed',
  'card-reset',
  'reader-unavailable',
  'no-service',
  'sharing-violation',
  'timeout',
  'pcsc-error',
]);
export type CardErrorCode = z.infer<typeof CardErrorCode>;
