// What name searches compare against (users.*_norm, organisations.name_norm): lower-case, with
// accents removed (NFKD, combining marks dropped), so "Zoë" is found by "zoe". Every write of a
// name must write its normalised form too, or the person drops out of searches.

export function normaliseName(name: string): string {
  return name.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}
