// Fault injection for crash-safety sweeps: the card vanishes at a chosen command, either before
// it acts on it (the command is lost) or after it has acted and saved (the answer is lost).

export type VanishMode = 'before-processing' | 'after-processing';

export class FaultPlan {
  private remaining?: number;
  private mode: VanishMode = 'before-processing';

  /** After `commands` more answered commands, the next one makes the card vanish. */
  vanishAfter(commands: number, mode: VanishMode = 'before-processing'): void {
    if (!Number.isInteger(commands) || commands < 0) throw new RangeError('vanishAfter takes a count of 0 or more');
    this.remaining = commands;
    this.mode = mode;
  }

  clear(): void {
    this.remaining = undefined;
  }

  /** Called per incoming command: undefined to answer normally, or how to vanish. */
  next(): VanishMode | undefined {
    if (this.remaining === undefined) return undefined;
    if (this.remaining > 0) {
      this.remaining -= 1;
      return undefined;
    }
    this.remaining = undefined;
    return this.mode;
  }
}
