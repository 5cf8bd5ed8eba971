import { openContext, runSeeds } from '../../app/runtime.ts';
import type { Command } from '../command.ts';
import { quietConfig } from '../shared.ts';

export const seedCommand: Command = {
  name: 'seed',
  summary: 'Load the demo data (idempotent; also applied on first start of an empty database)',
  usage: 'croupier seed',
  options: {},
  async run() {
    const { config, logger } = quietConfig();
    const opened = await openContext(config, logger);
    try {
      for (const line of await runSeeds(opened.ctx)) process.stdout.write(`  ${line}\n`);
      process.stdout.write('Seed complete.\n');
      return 0;
    } finally {
      await opened.close();
    }
  },
};
