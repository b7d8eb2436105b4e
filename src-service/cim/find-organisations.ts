import type { OrganisationSummary } from '../../src-shared/api/service-common.js';
import type { Db } from '../store/database.js';
import { normaliseSearch } from './find-users.js';

// "Find an organisation" by its code or its name: an exact code first (codes are upper case, as
// ODS writes them, so "rxx01" finds RXX01), then names starting with the text (an index range on
// name_norm), then names containing it anywhere. The search text is bound, never spliced into
// SQL, and compared with >= / < and instr(), so '%' and '_' are ordinary characters.

const MAX_ORGANISATION_RESULTS = 25;

const TOP = '\u{10FFFF}';

const COLUMNS = `o.id AS id, o.code AS code, o.name AS name, o.kind AS kind, parent.code AS parentCode
  FROM organisations o LEFT JOIN organisations parent ON parent.id = o.parent_id`;

type Row = OrganisationSummary & { id: number };

export function findOrganisations(db: Db, query: string): OrganisationSummary[] {
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
  take(db.prepare(`SELECT ${COLUMNS} WHERE o.code = ?`).all(query.trim().toUpperCase()) as Row[]);
  const text = normaliseSearch(query);
  // Text that normalises to nothing (only accents, say) names no organisation.
  if (text) {
    take(db.prepare(`SELECT ${COLUMNS} WHERE o.name_norm >= ? AND o.name_norm < ? ORDER BY o.name_norm, o.id LIMIT ?`).all(text, text + TOP, MAX_ORGANISATION_RESULTS) as Row[]);
    if (found.length < MAX_ORGANISATION_RESULTS) {
      // Contains: a walk over the organisations (tens of thousands nationally, a few ms); the
      // prefix matches are already in and are skipped.
      take(
        db.prepare(`SELECT ${COLUMNS} WHERE instr(o.name_norm, ?) > 1 ORDER BY o.name_norm, o.id LIMIT ?`).all(text, MAX_ORGANISATION_RESULTS) as Row[],
      );
    }
  }
  return found.map(({ code, name, kind, parentCode }) => ({ code, name, kind, parentCode }));
}
