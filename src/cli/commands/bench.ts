import type { Command } from '../command.ts';

export const benchCommand: Command = {
  name: 'bench',
  summary: '(being built)',
  usage: 'croupier bench',
  options: {},
  async run() {
    process.stderr.write('croupier bench: not available in this build\n');
    return 1;
  },
};
