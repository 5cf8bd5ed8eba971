import type { RoutePlugin } from '../platform/http.ts';

/** HTTP surface of the wallet module (registered by platform/plugins.ts). */
export const walletRoutes: RoutePlugin = async () => {};
