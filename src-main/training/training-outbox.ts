import type { OutboxMessage } from '../../src-shared/api/service-unlock.js';
import type { ServiceContext } from '../../src-service/service-context.js';
import { onOutboxMessage, readOutbox } from '../../src-service/notify/outbox.js';

// The embedded service's outbox as the training panel shows it: the security codes a trainee
// would receive by email or text message, newest first. Read from the service in this process
// (training mode has no real mail) once, then kept up to date from each message the service
// sends, so the panel's view is read without waiting on the store.

/** How many messages the panel shows; older ones stay in the service's outbox. */
const TRAINING_OUTBOX_LIMIT = 20;

export interface OutboxFeed {
  /** The latest messages, newest first. */
  read(): OutboxMessage[];
  /** Calls `listener` after each new message; returns the unsubscribe function. */
  onMessage(listener: () => void): () => void;
}

export async function serviceOutboxFeed(ctx: ServiceContext, limit = TRAINING_OUTBOX_LIMIT): Promise<OutboxFeed> {
  let latest = await readOutbox(ctx.db, limit);
  const add = (message: OutboxMessage): void => {
    if (latest.some((m) => m.id === message.id)) return;
    latest = [message, ...latest].sort((a, b) => b.id - a.id).slice(0, limit);
  };
  return {
    read: () => latest,
    // Told after the service's own work: the message is read once the request that sent it is done.
    onMessage: (listener) =>
      onOutboxMessage(ctx, (message) => {
        add(message);
        setImmediate(listener);
      }),
  };
}

/** A feed with nothing in it (a deck without a service, as some tests build). */
export const EMPTY_OUTBOX: OutboxFeed = { read: () => [], onMessage: () => () => undefined };
