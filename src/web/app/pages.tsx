import type { ReactNode } from 'react';
import type { Asset } from './api.ts';
import type { Route } from './router.ts';
import { PlayersPage } from './PlayersPage.tsx';
import { PlayerPage } from './PlayerPage.tsx';
import { PlayPage } from './PlayPage.tsx';
import { IngestionPage } from './IngestionPage.tsx';

/** What every page gets from the shell. */
export interface PageProps {
  apiKey: string;
  assets: Asset[];
  /** The route below the page's own segment: #/players/user_001/rounds → ['user_001', 'rounds']. */
  rest: string[];
  query: URLSearchParams;
  onApiError(error: unknown): void;
}

export interface PageEntry {
  /** First hash segment: #/players. */
  path: string;
  /** The navigation's label. */
  label: string;
  render(props: PageProps): ReactNode;
}

/**
 * The back office's pages, in navigation order (SPEC §8). A new page is one entry here and nothing
 * else: the navigation, the route and the reload all follow from it. Pages still to come, in their
 * places: dashboard (first, then the landing page), games & bonuses (after players), reports (before
 * ingestion), operators & audit (last).
 */
export const PAGES: PageEntry[] = [
  {
    path: 'players',
    label: 'Players',
    render: (props) =>
      props.rest.length === 0 ? (
        <PlayersPage {...props} />
      ) : (
        <PlayerPage {...props} playerId={props.rest[0]} tab={props.rest[1]} />
      ),
  },
  { path: 'ingestion', label: 'Ingestion', render: (props) => <IngestionPage {...props} /> },
  { path: 'play', label: 'Play', render: (props) => <PlayPage {...props} /> },
];

/** Where an empty or unknown hash lands. */
export const LANDING_PATH = 'players';

export function pageOf(route: Route): PageEntry | undefined {
  return PAGES.find((p) => p.path === (route.segments[0] ?? LANDING_PATH));
}
