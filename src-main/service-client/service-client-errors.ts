import type { ServiceErrorCode } from '../../src-shared/api/service-errors.js';

// How a call to the identity service can fail, as the agent needs to tell them apart: the
// service could not be reached at all (retry later), it answered and refused (say why, in its
// words), or it answered something outside the contract (a fault, not the user's doing).
// Messages never carry a token, a request body or a response body.

class ServiceClientError extends Error {
  override name = 'ServiceClientError';
}

/** No answer: connection refused, reset, DNS, timeout, or a gateway saying the service is down. */
export class ServiceUnreachableError extends ServiceClientError {
  override name = 'ServiceUnreachableError';
  constructor(options?: { cause?: unknown }) {
    super('The identity service cannot be reached.', options);
  }
}

/** The service answered with an error body; `message` is the service's own, meant for people. */
export class ServiceRefusedError extends ServiceClientError {
  override name = 'ServiceRefusedError';
  constructor(
    readonly status: number,
    readonly code: ServiceErrorCode,
    message: string,
    readonly fields: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** The service answered, but not in the shape the contract promises. */
export class ServiceProtocolError extends ServiceClientError {
  override name = 'ServiceProtocolError';
  constructor(what: string) {
    super(`The identity service sent an answer this workstation does not understand (${what}).`);
  }
}
