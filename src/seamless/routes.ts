import type { RoutePlugin } from '../platform/http.ts';

/** HTTP surface of the seamless module (registered by platform/plugins.ts). */
export const seamlessRoutes: RoutePlugin = async () => {};
