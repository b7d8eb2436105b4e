// Serialises operations per reader: two flows must never interleave commands on one card.

export class ReaderQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(reader: string, operation: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(reader) ?? Promise.resolve();
    const result = previous.then(operation, operation);
    const tail = result.catch(() => undefined);
    this.tails.set(reader, tail);
    void tail.then(() => {
      if (this.tails.get(reader) === tail) this.tails.delete(reader);
    });
    return result;
  }
}
