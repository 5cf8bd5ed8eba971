import { aggregatorRoutes } from '../aggregator/routes.ts';
import { providerRoutes } from '../provider/routes.ts';
import { seamlessRoutes } from '../seamless/routes.ts';
import { walletRoutes } from '../wallet/routes.ts';
import { seedLedger } from '../ledger/seed.ts';
import { seedAggregator } from '../aggregator/seed.ts';
import { seedWallet } from '../wallet/seed.ts';
import { seedSeamless } from '../seamless/seed.ts';
import { seedProvider } from '../provider/seed.ts';
import type { AppContext, Role } from './context.ts';
import type { RoutePlugin } from './http.ts';

/** Which HTTP surfaces a process serves, by role. */
export function pluginsFor(roles: Set<Role>): RoutePlugin[] {
  const plugins: RoutePlugin[] = [];
  if (roles.has('api')) plugins.push(aggregatorRoutes, walletRoutes, seamlessRoutes);
  if (roles.has('provider')) plugins.push(providerRoutes);
  return plugins;
}

/** Demo seeds, in dependency order; each is idempotent. */
export const SEEDS: { name: string; run(ctx: AppContext): Promise<string[]> }[] = [
  { name: 'ledger', run: seedLedger },
  { name: 'aggregator', run: seedAggregator },
  { name: 'wallet', run: seedWallet },
  { name: 'seamless', run: seedSeamless },
  { name: 'provider', run: seedProvider },
];
