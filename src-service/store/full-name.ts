import { sql, type RawBuilder } from 'kysely';

// How the service writes a person's name in its answers and audit entries ("Given Family"),
// from the users row aliased `alias`: one expression for every query that shows a name.

export const fullName = (alias: string): RawBuilder<string> => sql<string>`${sql.ref(`${alias}.given_name`)} || ' ' || ${sql.ref(`${alias}.family_name`)}`;
