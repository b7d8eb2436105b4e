import type { ServiceErrorCode } from '../src-shared/api/service-errors.js';

/** A failure the client caused or may act on; becomes the JSON error body with its status. */
export class ServiceError extends Error {
  override name = 'ServiceError';
  constructor(
    readonly status: number,
    readonly code: ServiceErrorCode,
    message: string,
    readonly fields?: { path: string; message: string }[],
    /** For 409: the record the request would have repeated, so the page can link to it. */
    readonly existing?: { uuid: string; name: string },
  ) {
    super(message);
  }
}

export const notFound = (what: string): ServiceError => new ServiceError(404, 'not-found', `${what} was not found.`);
export const forbidden = (message: string): ServiceError => new ServiceError(403, 'forbidden', message);
export const outOfScope = (message = 'That is outside your organisation and its child organisations.'): ServiceError =>
  new ServiceError(403, 'out-of-scope', message);
export const badRequest = (message: string, fields?: { path: string; message: string }[]): ServiceError =>
  new ServiceError(400, 'bad-request', message, fields);
export const conflict = (message: string): ServiceError => new ServiceError(409, 'conflict', message);
