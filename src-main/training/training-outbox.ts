import type { OutboxMessage } from '../../src-shared/api/service-unlock.js';
import type { ServiceContext } from '../../src-service/service-context.js';
import { onOutboxMessage, readOutbox } from '../../src-service/notify/outbox.js';

// The embedded service's outbox as the training panel shows it: the security codes a trainee
// would receive by email or text message, newest first. Read from the service in this process
// (training mode has no real mail), and refreshed whenever the service sends one.

/** How many messages the panel shows; older ones stay in the service's outbox. */
const TRAINING_OUTBOX_LIMIT = 20;

export interface OutboxFeed {
  /** The latest messages, newest first. */
  read(): OutboxMessage[];
  /** Calls `listener` after each new message; returns the unsubscribe function. */
  onMessage(listener: () => void): () => void;
}

export function serviceOutboxFeed(ctx: ServiceContext, limit = TRAINING_OUTBOX_LIMIT): OutboxFeed {
  return {
    read: () => readOutbox(ctx.db, limit),
    // Told after the service's own work: the message is read once the request that sent it is done.
    onMessage: (listener) => onOutboxMessage(ctx, () => void setImmediate(listener)),
  };
}

/** A feed with nothing in it (a deck without a service, as some tests build). */
export const EMPTY_OUTBOX: OutboxFeed = { read: () => [], onMessage: () => () => undefined };
