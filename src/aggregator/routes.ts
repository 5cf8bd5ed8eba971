import type { RoutePlugin } from '../platform/http.ts';

/** HTTP surface of the aggregator module (registered by platform/plugins.ts). */
export const aggregatorRoutes: RoutePlugin = async () => {};
