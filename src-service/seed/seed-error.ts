/** A seed request that cannot be carried out as asked (bad option, a directory already there). */
export class SeedError extends Error {
  override name = 'SeedError';
}
