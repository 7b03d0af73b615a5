// The Routers view: this machine's conduit key and every router Warren has a link to, asked again
// every few seconds while the view is shown (conduit.routers asks each router over its tunnel).
import { useCallback } from 'react';
import type { WarrenClient } from '../../src-shared/api/index.js';
import { sortedRouters, type RoutersSnapshot } from '../state/routers-model.js';
import { usePoll, type Polled } from '../state/use-poll.js';
import { ConduitKeyCard } from './conduit-key-card.js';
import { Loading } from './loading.js';
import { RouterCard } from './router-card.js';

export const ROUTERS_POLL_MS = 3000;

/** What the view shows for one poll result; separate from the polling so it renders in tests. */
export function RoutersView({ polled }: { polled: Polled<RoutersSnapshot> }) {
  const { data, error, loading } = polled;
  return (
    <section className="routers" data-testid="routers-panel">
      {loading && <Loading text="Asking the routers…" testId="routers-loading" />}
      {error && (
        <div className="form-error" role="alert" data-testid="routers-error">
          {error}
        </div>
      )}
      {data && (
        <>
          <ConduitKeyCard keyStatus={data.status.key} />
          {data.routers.length === 0 ? (
            <div className="empty" data-testid="routers-empty">
              No router links. Start a conduit tunnel and its router shows here.
            </div>
          ) : (
            sortedRouters(data.routers).map((r) => <RouterCard key={r.router} info={r} />)
          )}
        </>
      )}
    </section>
  );
}

export function RoutersPanel({ client }: { client: WarrenClient }) {
  const load = useCallback(async (): Promise<RoutersSnapshot> => {
    const [routers, status] = await Promise.all([client.call('conduit.routers'), client.call('conduit.status')]);
    return { routers: routers.routers, status };
  }, [client]);
  return <RoutersView polled={usePoll(load, ROUTERS_POLL_MS)} />;
}
