import type { CardErrorCode } from '../../src-shared/card/card-error-codes.js';

/** Every failure of the card and reader layers. Messages never carry command or response data. */
export class CardError extends Error {
  override name = 'CardError';
  constructor(
    readonly code: CardErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
