import type { Command } from '../command.ts';

export const simulateCommand: Command = {
  name: 'simulate',
  summary: '(being built)',
  usage: 'croupier simulate',
  options: {},
  async run() {
    process.stderr.write('croupier simulate: not available in this build\n');
    return 1;
  },
};
