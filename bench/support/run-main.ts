/** Runs `bench` when its module is the program being run (not when imported by run-all). */
export function runIfMain(moduleUrl: string, bench: () => Promise<void>): void {
  if (moduleUrl !== `file://${process.argv[1]}`) return;
  bench().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
