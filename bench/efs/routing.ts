// Hook for the EFS routing benchmark (hash-based path → mount target routing, design doc
// "ファイルアクセスロジック"). bench/efs/run.ts prints whatever this returns after the file-count
// figures. It returns nothing yet: whoever adds the routing figures fills this in (throughput of
// the routing function, spread across mount targets, …) without touching run.ts.

export interface RoutingFigure {
  /** What was measured, e.g. "route 1M paths over 3 mount targets". */
  name: string;
  value: number;
  /** e.g. "paths/s", "ms", "% max skew". */
  unit: string;
  /** Optional goal or context, printed after the figure. */
  note?: string;
}

export async function routingFigures(quick: boolean): Promise<RoutingFigure[]> {
  void quick;
  return [];
}
