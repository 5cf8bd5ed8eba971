import { CONFIG_VARIABLES, defaultSecretsInUse, type Config } from '../../platform/config.ts';
import type { Logger } from '../../platform/logger.ts';
import { startMockIfAsked } from '../../app/transactions-mock.ts';
import { TRANSACTIONS_MOCK_VARIABLES } from '../../upstream/index.ts';
import { AVAILABLE_ROLES } from '../../app/modules.ts';
import { startServer } from '../../app/runtime.ts';
import { ROLES, type Role } from '../../platform/module.ts';
import { SIGNAL_REPEAT_FORCE_MIN_MS } from '../../platform/limits.ts';
import type { Command } from '../command.ts';
import { configOrExit } from '../shared.ts';

export function configHelp(): string {
  const all = [
    ...CONFIG_VARIABLES,
    ...TRANSACTIONS_MOCK_VARIABLES.filter((m) => !CONFIG_VARIABLES.some((v) => v.name === m.name)),
  ];
  const width = Math.max(...all.map((v) => v.name.length));
  return [
    'Configuration (environment variables, all optional in development):',
    ...all.map((v) => `  ${v.name.padEnd(width)}  ${v.description} Default: ${v.default_text}.`),
  ].join('\n');
}

async function mockOnly(roles: Set<Role>, config: Config, logger: Logger): Promise<{ stop(): Promise<void> }> {
  const { mock } = await startMockIfAsked(roles, config, logger);
  return { stop: () => mock!.stop() };
}

export const startCommand: Command = {
  name: 'start',
  summary: 'Run the server (all roles in one process by default)',
  usage: 'croupier start [--role api,provider] [--port N]',
  options: {
    role: {
      type: 'string',
      description:
        'Comma-separated roles to run: api (casino, wallet, aggregator, reports, back office), provider (the simulated game provider), transactions-mock (the mock upstream Transaction API, its own port). Default: all',
    },
    port: { type: 'string', description: 'Port to listen on (overrides PORT)' },
  },
  help_footer: configHelp,
  async run(values) {
    const roles = new Set<Role>();
    for (const r of String(values.role ?? AVAILABLE_ROLES.join(','))
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)) {
      if (!ROLES.includes(r as Role)) {
        process.stderr.write(`croupier start: unknown role "${r}" (roles: ${ROLES.join(', ')})\n`);
        return 2;
      }
      if (!AVAILABLE_ROLES.includes(r as Role)) {
        process.stderr.write(
          `croupier start: role "${r}" is not available in this build (roles: ${AVAILABLE_ROLES.join(', ')})\n`,
        );
        return 2;
      }
      roles.add(r as Role);
    }
    const { config, logger } = configOrExit(values.port !== undefined ? { PORT: String(values.port) } : {});
    const defaults = defaultSecretsInUse(config);
    if (Object.keys(defaults).length)
      logger.warn(
        { default_secrets: defaults },
        'development mode: default secrets in use (set them before production)',
      );
    // The mock upstream alone needs no database: it is another system (app/transactions-mock.ts).
    const server =
      roles.size === 1 && roles.has('transactions-mock')
        ? await mockOnly(roles, config, logger)
        : await startServer(config, logger, roles);
    let first_signal_ms: number | undefined;
    const shutdown = (signal: string) => {
      if (first_signal_ms !== undefined) {
        // One Ctrl-C under `npm start` arrives twice: from the terminal to the process group and
        // forwarded by npm. Only a second signal a moment later means "stop now".
        if (performance.now() - first_signal_ms < SIGNAL_REPEAT_FORCE_MIN_MS) return;
        logger.warn({ signal }, 'second signal: exiting without finishing in-flight requests');
        process.exit(1);
      }
      first_signal_ms = performance.now();
      logger.info({ signal }, 'shutting down: no new requests, finishing in-flight ones');
      server.stop().then(
        () => process.exit(0),
        (err) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    await new Promise(() => {});
    return 0;
  },
};
