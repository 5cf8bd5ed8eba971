import { formatReport, reportJson, verifyLedger } from '../../ledger/verify.ts';
import { openContext } from '../../app/runtime.ts';
import type { Command } from '../command.ts';
import { quietConfig } from '../shared.ts';

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Recompute every balance from the transfers and check the ledger invariants',
  usage: 'croupier verify [--json]',
  options: { json: { type: 'boolean', description: 'Print the report as JSON' } },
  async run(values) {
    const { config, logger } = quietConfig();
    const opened = await openContext(config, logger);
    try {
      const report = await verifyLedger(opened.ctx.sql, (step) => {
        if (!values.json) process.stderr.write(`  … ${step}\n`);
      });
      process.stdout.write(values.json ? `${reportJson(report, 2)}\n` : `${formatReport(report)}\n`);
      return report.passed ? 0 : 1;
    } finally {
      await opened.close();
    }
  },
};
