import type { Random } from './prng.js';

// National Insurance numbers for the synthetic directory: valid in form (HMRC's prefix rules:
// first letter not D, F, I, Q, U or V; second not those or O; never BG, GB, KN, NK, NT, TN or ZZ)
// and unique without remembering which were handed out: user i gets position (a*i + b) mod M of
// the M = prefixes x 10^6 possible numbers, and with a coprime to M that map is one-to-one.
// The suffix letter (A-D) is not part of what identifies a person, so it is drawn freely.

const FIRST = 'ABCEGHJKLMNOPRSTWXYZ';
const SECOND = 'ABCEGHJKLMNPRSTWXYZ';
const NEVER_ISSUED = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

/** Prefix kept for the training personas, so no seeded user can ever share their numbers. */
const TRAINING_NI_PREFIX = 'TR';

const PREFIXES: readonly string[] = [...FIRST].flatMap((a) => [...SECOND].map((b) => a + b)).filter((p) => !NEVER_ISSUED.has(p) && p !== TRAINING_NI_PREFIX);
const SPACE = PREFIXES.length * 1_000_000;

const gcd = (x: number, y: number): number => (y === 0 ? x : gcd(y, x % y));

export class NiNumberSequence {
  private readonly step: number;
  private readonly offset: number;

  constructor(private readonly random: Random) {
    // A large step scatters neighbouring users across prefixes, as real numbers are.
    let step = Math.floor(SPACE / 3) + random.int(Math.floor(SPACE / 3));
    while (gcd(step, SPACE) !== 1) step++;
    this.step = step;
    this.offset = random.int(SPACE);
  }

  /** The number for user `index` (0-based); distinct indexes below the space size give distinct numbers. */
  numberFor(index: number): string {
    // step < 2^29 and index < 2^24 keep step * index exact in a double (below 2^53).
    if (index >= 2 ** 24) throw new Error('the seed numbers at most 16 million users');
    const n = (this.step * index + this.offset) % SPACE;
    const digits = n % 1_000_000;
    return `${PREFIXES[Math.floor(n / 1_000_000)]}${String(digits).padStart(6, '0')}${'ABCD'[this.random.int(4)]}`;
  }
}
