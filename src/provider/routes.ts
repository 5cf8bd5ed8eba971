import type { RoutePlugin } from '../platform/http.ts';

/** HTTP surface of the provider module (registered by platform/plugins.ts). */
export const providerRoutes: RoutePlugin = async () => {};
