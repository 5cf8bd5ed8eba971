import { parseArgs } from 'node:util';
import type { Command } from './command.ts';
import { migrateCommand } from './commands/migrate.ts';
import { seedCommand } from './commands/seed.ts';
import { startCommand } from './commands/start.ts';
import { verifyCommand } from './commands/verify.ts';
import { benchCommand } from './commands/bench.ts';
import { simulateCommand } from './commands/simulate.ts';

export const COMMANDS: Command[] = [
  startCommand,
  migrateCommand,
  seedCommand,
  verifyCommand,
  simulateCommand,
  benchCommand,
];

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'Croupier — the money core of an online casino.',
    '',
    'Usage: croupier <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `croupier <command> --help` for its options.',
  ].join('\n');
}

export function commandHelp(command: Command): string {
  const lines = [`${command.summary}.`, '', `Usage: ${command.usage}`];
  const entries = Object.entries(command.options);
  if (entries.length) {
    lines.push('', 'Options:');
    for (const [name, option] of entries) {
      const o = option as { type: string; description?: string; default?: unknown };
      const flag = `--${name}${o.type === 'string' ? ' <value>' : ''}`;
      lines.push(
        `  ${flag.padEnd(26)} ${o.description ?? ''}${o.default !== undefined ? ` (default ${String(o.default)})` : ''}`,
      );
    }
  }
  lines.push(`  ${'--help'.padEnd(26)} Show this help`);
  if (command.help_footer) lines.push('', command.help_footer());
  return lines.join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${overview()}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`croupier: unknown command "${name}"\n\n${overview()}\n`);
    return 2;
  }
  let parsed;
  try {
    const options = { ...command.options, help: { type: 'boolean' as const, short: 'h' } };
    // Descriptions are ours, not parseArgs'.
    const bare = Object.fromEntries(
      Object.entries(options).map(([k, v]) => {
        const { description: _d, ...rest } = v as Record<string, unknown>;
        return [k, rest];
      }),
    );
    parsed = parseArgs({ args: rest, options: bare as typeof options, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`croupier ${name}: ${(error as Error).message}\n\n${commandHelp(command)}\n`);
    return 2;
  }
  if (parsed.values.help) {
    process.stdout.write(`${commandHelp(command)}\n`);
    return 0;
  }
  try {
    return await command.run(parsed.values as Record<string, string | boolean | undefined>, parsed.positionals);
  } catch (error) {
    process.stderr.write(`croupier ${name}: ${describeFailure(error)}\n`);
    return 1;
  }
}

/** A failure in one line an operator can act on; the stack only with LOG_LEVEL=debug (for a bug report). */
export function describeFailure(error: unknown): string {
  // fetch() reports a refused connection as a TypeError whose cause carries the system error.
  const cause = (error as { cause?: unknown })?.cause;
  const e = ((error as NodeJS.ErrnoException)?.code === undefined && cause ? cause : error) as NodeJS.ErrnoException & {
    address?: string;
    port?: number;
  };
  if (e?.syscall === 'listen' && e.code === 'EADDRINUSE') {
    return `port ${e.port} on ${e.address} is already in use (another croupier, or another service); choose another with PORT or --port.`;
  }
  if (e?.syscall === 'listen' && e.code === 'EACCES') {
    return `not allowed to listen on port ${e.port} on ${e.address} (ports below 1024 need privileges); choose another with PORT or --port.`;
  }
  if (e?.code === 'ECONNREFUSED' || e?.code === 'ENOTFOUND') {
    return `cannot connect (${e.code}${e.address ? ` at ${e.address}${e.port ? `:${e.port}` : ''}` : ''}): check DATABASE_URL (unset, the embedded database is used) or --url.`;
  }
  const err = error instanceof Error ? error : new Error(String(error));
  if (process.env.LOG_LEVEL === 'debug' || process.env.LOG_LEVEL === 'trace') return err.stack ?? err.message;
  return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
}
