import { CONFIG_VARIABLES, defaultSecretsInUse } from '../../platform/config.ts';
import { AVAILABLE_ROLES, ROLES, type Role } from '../../platform/context.ts';
import { SIGNAL_REPEAT_FORCE_MIN_MS } from '../../platform/limits.ts';
import { startServer } from '../../platform/runtime.ts';
import type { Command } from '../command.ts';
import { configOrExit } from '../shared.ts';

export function configHelp(): string {
  const width = Math.max(...CONFIG_VARIABLES.map((v) => v.name.length));
  return ['Configuration (environment variables, all optional in development):',
    ...CONFIG_VARIABLES.map((v) => `  ${v.name.padEnd(width)}  ${v.description} Default: ${v.default_text}.`)].join('\n');
}

export const startCommand: Command = {
  name: 'start',
  summary: 'Run the server (all roles in one process by default)',
  usage: 'croupier start [--role api,provider] [--port N]',
  options: {
    role: { type: 'string', description: 'Comma-separated roles to run: api (casino, wallet, aggregator, back office), provider (the simulated game provider). Default: all' },
    port: { type: 'string', description: 'Port to listen on (overrides PORT)' },
  },
  help_footer: configHelp,
  async run(values) {
    const roles = new Set<Role>();
    for (const r of String(values.role ?? AVAILABLE_ROLES.join(',')).split(',').map((s) => s.trim()).filter(Boolean)) {
      if (!ROLES.includes(r as Role)) {
        process.stderr.write(`croupier start: unknown role "${r}" (roles: ${ROLES.join(', ')})\n`);
        return 2;
      }
      if (!AVAILABLE_ROLES.includes(r as Role)) {
        process.stderr.write(`croupier start: role "${r}" is not available in this build (SPEC §7 is not built yet)\n`);
        return 2;
      }
      roles.add(r as Role);
    }
    const { config, logger } = configOrExit(values.port !== undefined ? { PORT: String(values.port) } : {});
    const defaults = defaultSecretsInUse(config);
    if (Object.keys(defaults).length) logger.warn({ default_secrets: defaults }, 'development mode: default secrets in use (set them before production)');
    const server = await startServer(config, logger, roles);
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
      server.stop().then(() => process.exit(0), (err) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      });
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
    await new Promise(() => {});
    return 0;
  },
};
