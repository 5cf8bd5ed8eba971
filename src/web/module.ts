import type { DomainModule } from '../ledger/context.ts';
import { defineErrors } from '../platform/error-table.ts';
import { backOfficeRoutes } from './serve.ts';

/** The back office (SPEC §8): the page at `/` and its bundles; it talks to the operator API like any client. */
export const webModule: DomainModule = {
  name: 'web',
  roles: ['api'],
  errors: defineErrors({}),
  routes: (app) => backOfficeRoutes(app),
};
