import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { z } from 'zod';
import { APPLICATIONS_PAGE_SIZE, ApplicationReference, type SearchApplicationsResponse } from '../../src-shared/api/apply.js';
import type { SessionContext } from '../auth/session-store.js';
import { nameReadings } from '../cim/find-users.js';
import type { ServiceContext } from '../service-context.js';
import { summaryQuery, toSummary } from './application-summary.js';
import { applicationScope } from './tabs.js';

// GET /v1/apply/applications: search applications by name, email address or application ID,
// within what the session may see (tabs.ts), optionally only "Applications I have raised".
// What the text is decides what is compared: an application ID (ACI- and eight characters, any
// case) exactly; text with an @ as an email address (the lower-case email_norm); anything else
// as a name, by the readings of "Find a user" (family name, "Family, Given", "Given Family"),
// each a prefix of the normalised names. Prefixes are compared with substr, never LIKE, so
// '%' and '_' are just characters and the answer is the same under any collation.

const startsWith = (column: string, prefix: string): RawBuilder<SqlBool> =>
  sql<SqlBool>`substr(${sql.ref(column)}, 1, ${[...prefix].length}) = ${prefix}`;

function nameMatch(text: string): RawBuilder<SqlBool> {
  const alternatives: RawBuilder<SqlBool>[] = [];
  for (const r of nameReadings(text)) {
    if (r.given === undefined) {
      // One name alone may be either: "Alex" finds Alex Smith as "Smith" does.
      alternatives.push(sql<SqlBool>`(${startsWith('a.family_name_norm', r.family)} OR ${startsWith('a.given_name_norm', r.family)})`);
    } else {
      alternatives.push(sql<SqlBool>`(${startsWith('a.family_name_norm', r.family)} AND ${startsWith('a.given_name_norm', r.given)})`);
    }
  }
  if (alternatives.length === 0) return sql<SqlBool>`1 = 0`;
  return sql<SqlBool>`(${sql.join(alternatives, sql` OR `)})`;
}

/** The condition a search text puts on the applications. */
function searchMatch(text: string): RawBuilder<SqlBool> {
  const reference = ApplicationReference.safeParse(text);
  if (reference.success) return sql<SqlBool>`a.reference = ${reference.data}`;
  // No stored address or name holds a NUL, and PostgreSQL text cannot hold one at all.
  if (text.includes('\u0000')) return sql<SqlBool>`1 = 0`;
  if (text.includes('@')) return sql<SqlBool>`a.email_norm = ${text.trim().toLowerCase()}`;
  return nameMatch(text);
}

export async function searchApplications(
  ctx: ServiceContext,
  session: SessionContext,
  query: { query: string; mine: boolean; page: number },
): Promise<z.infer<typeof SearchApplicationsResponse>> {
  const scope = applicationScope(session);
  const now = ctx.now();
  const match = searchMatch(query.query);
  const mine = query.mine ? sql<SqlBool>`a.raised_by = ${session.userId}` : sql<SqlBool>`1 = 1`;
  const { n } = await ctx.db
    .selectFrom('applications as a')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where(scope)
    .where(match)
    .where(mine)
    .executeTakeFirstOrThrow();
  const rows = await summaryQuery(ctx.db)
    .where(scope)
    .where(match)
    .where(mine)
    .orderBy('a.last_activity_at', 'desc')
    .orderBy('a.id', 'desc')
    .limit(APPLICATIONS_PAGE_SIZE)
    .offset((query.page - 1) * APPLICATIONS_PAGE_SIZE)
    .execute();
  return { total: Number(n), page: query.page, pageSize: APPLICATIONS_PAGE_SIZE, applications: rows.map((row) => toSummary(row, session, now)) };
}
