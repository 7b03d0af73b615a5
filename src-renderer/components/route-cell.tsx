// The route column every forward row shares: where traffic goes, and under it the last error.
export interface RouteCellProps {
  name: string;
  route: string;
  /** data-testid of the route line (rows of different kinds are found by their own id). */
  routeTestId?: string;
  error: string | undefined;
}

export function RouteCell({ name, route, routeTestId, error }: RouteCellProps) {
  return (
    <td className="route">
      <div className="mono" {...(routeTestId ? { 'data-testid': routeTestId } : {})}>
        {route}
      </div>
      <div className="error-line" data-testid={`forward-error-${name}`} title={error}>
        {error ?? ''}
      </div>
    </td>
  );
}
