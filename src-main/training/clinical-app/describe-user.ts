// The words "Signed in as <name>, <position> at <organisation>" from the ID token and userinfo
// claims the identity service sends (README "Claims").

export interface UserWords {
  readonly name: string;
  readonly position: string | undefined;
  readonly organisation: string | undefined;
}

const nameOf = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { name?: unknown }).name === 'string') return (value as { name: string }).name;
  return undefined;
};

export function describeUser(claims: Readonly<Record<string, unknown>>): UserWords {
  const name = nameOf(claims['name']) ?? [claims['given_name'], claims['family_name']].filter((x) => typeof x === 'string').join(' ');
  return {
    name: name || String(claims['sub']),
    position: nameOf(claims['position']),
    organisation: nameOf(claims['organisation']),
  };
}
