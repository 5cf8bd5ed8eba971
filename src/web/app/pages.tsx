import type { ReactNode } from 'react';
import type { Asset, Me } from './api.ts';
import { OperatorsPage } from './OperatorsPage.tsx';
import type { Route } from './router.ts';
import { PlayersPage } from './PlayersPage.tsx';
import { PlayerPage } from './PlayerPage.tsx';
import { PlayPage } from './PlayPage.tsx';
import { DashboardPage } from './DashboardPage.tsx';
import { ReportsPage } from './ReportsPage.tsx';
import { GamesPage } from './GamesPage.tsx';
import { IngestionPage } from './IngestionPage.tsx';

/** What every page gets from the shell. */
export interface PageProps {
  apiKey: string;
  /** Who is signed in: a page offers no write to a viewer (SignedIn.tsx: canWrite, ReadOnlyNotice). */
  me: Me;
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
 * else: the navigation, the route and the reload all follow from it. Every page of SPEC §8 is here; operators & audit stays last.
 */
export const PAGES: PageEntry[] = [
  { path: 'dashboard', label: 'Dashboard', render: (props) => <DashboardPage {...props} /> },
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
  { path: 'games', label: 'Games & bonuses', render: (props) => <GamesPage {...props} /> },
  { path: 'reports', label: 'Reports', render: (props) => <ReportsPage {...props} /> },
  { path: 'ingestion', label: 'Ingestion', render: (props) => <IngestionPage {...props} /> },
  { path: 'play', label: 'Play', render: (props) => <PlayPage {...props} /> },
  {
    path: 'operators',
    label: 'Operators & audit',
    render: (props) => <OperatorsPage {...props} tab={props.rest[0]} />,
  },
];

/** Where an empty or unknown hash lands. */
export const LANDING_PATH = 'dashboard';

export function pageOf(route: Route): PageEntry | undefined {
  return PAGES.find((p) => p.path === (route.segments[0] ?? LANDING_PATH));
}
