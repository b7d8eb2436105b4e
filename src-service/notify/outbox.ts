import type { OutboxMessage, UnlockChannel } from '../../src-shared/api/service-unlock.js';
import type { Db } from '../store/database.js';
import { rootOf } from '../store/transaction.js';

// The outbox: where messages go, in clear, when the configuration switches it on (`outbox`) and
// no SMTP server or Notify template takes them. Training mode runs the service in its own process
// and shows the outbox in a panel, so a trainee can read the security code they were "sent";
// listeners let that panel refresh the moment a message is written.

export interface OutgoingMessage {
  readonly channel: UnlockChannel;
  readonly to: string;
  /** Email only; a text message has none. */
  readonly subject: string | null;
  readonly text: string;
}

export type OutboxListener = (message: OutboxMessage) => void;

// Keyed by the database: the outbox is a table, and whoever shares it shares its listeners.
const listeners = new WeakMap<Db, Set<OutboxListener>>();

interface OutboxRow {
  id: number;
  channel: UnlockChannel;
  recipient: string;
  subject: string | null;
  body: string;
  created_at: number;
}

const toMessage = (row: OutboxRow): OutboxMessage => ({
  id: row.id,
  channel: row.channel,
  to: row.recipient,
  subject: row.subject,
  text: row.body,
  sentAt: new Date(row.created_at).toISOString(),
});

/** Stores one message and tells the listeners; returns it as the outbox shows it. */
export async function writeOutbox(db: Db, message: OutgoingMessage, at: Date): Promise<OutboxMessage> {
  const { id } = await db
    .insertInto('outbox')
    .values({ channel: message.channel, recipient: message.to, subject: message.subject, body: message.text, created_at: at.getTime() })
    .returning('id')
    .executeTakeFirstOrThrow();
  const stored = toMessage({ id, channel: message.channel, recipient: message.to, subject: message.subject, body: message.text, created_at: at.getTime() });
  for (const listener of listeners.get(rootOf(db)) ?? []) {
    try {
      listener(stored);
    } catch {
      // A panel that fails to refresh must not fail the sending: the message is stored.
    }
  }
  return stored;
}

/** The newest `limit` messages, newest first. */
export async function readOutbox(db: Db, limit = 50): Promise<OutboxMessage[]> {
  const rows = await db
    .selectFrom('outbox')
    .select(['id', 'channel', 'recipient', 'subject', 'body', 'created_at'])
    .orderBy('id', 'desc')
    .limit(Math.max(0, Math.floor(limit)))
    .execute();
  return rows.map(toMessage);
}

/** How long the outbox keeps a message: long enough to read a code, not a store of them. */
const OUTBOX_KEEP_DAYS = 7;

/** Deletes messages older than OUTBOX_KEEP_DAYS; returns how many. */
export async function pruneOutbox(db: Db, now: Date): Promise<number> {
  const result = await db.deleteFrom('outbox').where('created_at', '<', now.getTime() - OUTBOX_KEEP_DAYS * 86_400_000).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Calls `listener` for every message written to this service's outbox; returns the unsubscribe. */
export function onOutboxMessage(ctx: { readonly db: Db }, listener: OutboxListener): () => void {
  const store = rootOf(ctx.db);
  let set = listeners.get(store);
  if (!set) listeners.set(store, (set = new Set()));
  // A wrapper per subscription, so subscribing the same function twice needs two unsubscribes.
  const entry: OutboxListener = (m) => listener(m);
  set.add(entry);
  return () => {
    set.delete(entry);
  };
}
