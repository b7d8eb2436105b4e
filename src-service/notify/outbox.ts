import type { OutboxMessage, UnlockChannel } from '../../src-shared/api/service-unlock.js';
import type { Db } from '../store/database.js';
import { prepared } from '../store/prepared.js';

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
export function writeOutbox(db: Db, message: OutgoingMessage, at: Date): OutboxMessage {
  const info = prepared(db, 'INSERT INTO outbox (channel, recipient, subject, body, created_at) VALUES (?, ?, ?, ?, ?)').run(
    message.channel,
    message.to,
    message.subject,
    message.text,
    at.getTime(),
  );
  const stored = toMessage({ id: Number(info.lastInsertRowid), channel: message.channel, recipient: message.to, subject: message.subject, body: message.text, created_at: at.getTime() });
  for (const listener of listeners.get(db) ?? []) {
    try {
      listener(stored);
    } catch {
      // A panel that fails to refresh must not fail the sending: the message is stored.
    }
  }
  return stored;
}

/** The newest `limit` messages, newest first. */
export function readOutbox(db: Db, limit = 50): OutboxMessage[] {
  const rows = prepared(db, 'SELECT id, channel, recipient, subject, body, created_at FROM outbox ORDER BY id DESC LIMIT ?').all(Math.max(0, Math.floor(limit))) as OutboxRow[];
  return rows.map(toMessage);
}

/** How long the outbox keeps a message: long enough to read a code, not a store of them. */
const OUTBOX_KEEP_DAYS = 7;

/** Deletes messages older than OUTBOX_KEEP_DAYS; returns how many. */
export function pruneOutbox(db: Db, now: Date): number {
  return prepared(db, 'DELETE FROM outbox WHERE created_at < ?').run(now.getTime() - OUTBOX_KEEP_DAYS * 86_400_000).changes;
}

/** Calls `listener` for every message written to this service's outbox; returns the unsubscribe. */
export function onOutboxMessage(ctx: { readonly db: Db }, listener: OutboxListener): () => void {
  let set = listeners.get(ctx.db);
  if (!set) listeners.set(ctx.db, (set = new Set()));
  // A wrapper per subscription, so subscribing the same function twice needs two unsubscribes.
  const entry: OutboxListener = (m) => listener(m);
  set.add(entry);
  return () => {
    set.delete(entry);
  };
}
