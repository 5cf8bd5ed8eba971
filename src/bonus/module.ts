import type { DomainModule } from '../ledger/context.ts';
import type { JobSpec } from '../platform/module.ts';
import type { AppContext } from '../ledger/context.ts';
import { BONUS_ERRORS } from './errors.ts';
import { BONUS_EXPIRY_SWEEP_INTERVAL_MS } from './limits.ts';
import { bonusRoutes } from './routes.ts';
import { seedBonus } from './seed.ts';
import { BonusService } from './service.ts';

/** The expiry sweep: bets check expires_at themselves; this returns idle bonuses' balances to the pool. */
export const bonusExpiryJob: JobSpec<AppContext> = {
  name: 'bonus.expiry_sweep',
  interval_ms: BONUS_EXPIRY_SWEEP_INTERVAL_MS,
  async run(ctx) {
    const expired = await new BonusService(ctx).expireDue();
    if (expired > 0) ctx.logger.info({ expired }, 'bonuses past expires_at expired');
  },
};

/** Game catalog, wagering contributions and bonus grants (SPEC §5); wagering itself rides in every batch (participant.ts). */
export const bonusModule: DomainModule = {
  name: 'bonus',
  roles: ['api'],
  errors: BONUS_ERRORS,
  routes: bonusRoutes,
  seed: seedBonus,
  jobs: [bonusExpiryJob],
};
