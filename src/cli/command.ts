/** parseArgs options plus the description printed by --help. */
export type Options = Record<
  string,
  { type: 'string' | 'boolean'; short?: string; multiple?: boolean; default?: string | boolean; description: string }
>;
export type Values = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** One `croupier <name>` subcommand. run() returns the exit code. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: Options;
  /** Extra help text (e.g. the configuration variables). */
  help_footer?: () => string;
  run(values: Values, positionals: string[]): Promise<number>;
}
