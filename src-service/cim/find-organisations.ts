import { sql, type SqlBool } from 'kysely';
import type { OrganisationSummary } from '../../src-shared/api/service-common.js';
import type { Db } from '../store/database.js';
import { normaliseSearch } from './find-users.js';

// "Find an organisation" by its code or its name: an exact code first (codes are upper case, as
// ODS writes them, so "rxx01" finds RXX01), then names starting with the text (an index range on
// name_norm), then names containing it anywhere. The search text is bound, never spliced into
// SQL, and compared with >= / < and a LIKE pattern whose '%', '_' and '\' are escaped, so they
// are ordinary characters. name_norm and the text are both lower case, so LIKE's case rules
// (which differ between the engines) never come into it.

const MAX_ORGANISATION_RESULTS = 25;

const TOP = '\u{10FFFF}';

type Row = OrganisationSummary & { id: number };

/** LIKE's own characters taken literally, with '\' as the escape. */
const likeLiteral = (text: string): string => text.replace(/[\\%_]/g, (c) => `\\${c}`);

const organisations = (db: Db) =>
  db
    .selectFrom('organisations as o')
    .leftJoin('organisations as parent', 'parent.id', 'o.parent_id')
    .select(['o.id as id', 'o.code as code', 'o.name as name', 'o.kind as kind', 'parent.code as parentCode']);

export async function findOrganisations(db: Db, query: string): Promise<OrganisationSummary[]> {
  const found: Row[] = [];
  const seen = new Set<number>();
  const take = (rows: Row[]): void => {
    for (const row of rows) {
      if (found.length >= MAX_ORGANISATION_RESULTS) return;
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      found.push(row);
    }
  };
  // No organisation's code or name holds NUL, and PostgreSQL text cannot: it names none.
  if (query.includes('\u0000')) return [];
  take(await organisations(db).where('o.code', '=', query.trim().toUpperCase()).execute());
  const text = normaliseSearch(query);
  // Text that normalises to nothing (only accents, say) names no organisation.
  if (text) {
    take(
      await organisations(db)
        .where('o.name_norm', '>=', text)
        .where('o.name_norm', '<', text + TOP)
        .orderBy('o.name_norm')
        .orderBy('o.id')
        .limit(MAX_ORGANISATION_RESULTS)
        .execute(),
    );
    if (found.length < MAX_ORGANISATION_RESULTS) {
      // Contains, after the first character: a walk over the organisations (tens of thousands
      // nationally, a few ms); the prefix matches are already in.
      const pattern = `_%${likeLiteral(text)}%`;
      take(
        await organisations(db)
          .where(sql<SqlBool>`o.name_norm LIKE ${pattern} ESCAPE '\\'`)
          .orderBy('o.name_norm')
          .orderBy('o.id')
          .limit(MAX_ORGANISATION_RESULTS)
          .execute(),
      );
    }
  }
  return found.map(({ code, name, kind, parentCode }) => ({ code, name, kind, parentCode }));
}
