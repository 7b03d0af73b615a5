// File count vs threshold over time (efs.counts) as an inline SVG: the counts as a line with a dot
// per sample, the threshold dashed, 0 and the top of the scale on the y axis, the time range under
// it. The geometry is efs-model's chartGeometry; this only draws it.
import type { EfsCountSample } from '../../src-shared/api/index.js';
import { chartGeometry, chartLabel, formatClock, formatCount, formatTime } from '../state/efs-model.js';

export function EfsCountChart({ samples, threshold }: { samples: readonly EfsCountSample[]; threshold?: number | undefined }) {
  const g = chartGeometry(samples, threshold);
  const label = chartLabel(samples, threshold);
  const { x0, x1, y0, y1 } = g.plot;
  const shownThreshold = samples.length ? [...samples].sort((a, b) => a.ts - b.ts).at(-1)!.threshold : threshold;
  const sameDay = g.tMin !== undefined && g.tMax !== undefined && new Date(g.tMin).toDateString() === new Date(g.tMax).toDateString();
  // Within the hour the seconds tell the samples apart; across days the date does.
  const short = g.tMin !== undefined && g.tMax !== undefined && g.tMax - g.tMin < 3_600_000;
  const timeText = (ts: number): string => (sameDay ? formatClock(ts, short) : formatTime(ts).slice(0, 16));
  return (
    <figure className="efs-chart" data-testid="efs-chart" data-points={g.points.length}>
      <svg viewBox={g.viewBox} role="img" aria-label={label} preserveAspectRatio="xMidYMid meet">
        <title>{label}</title>
        <line className="axis" x1={x0} y1={y1} x2={x1} y2={y1} />
        <line className="axis" x1={x0} y1={y0} x2={x0} y2={y1} />
        <text className="axis-label" x={x0 - 6} y={y0 + 4} textAnchor="end" data-testid="efs-chart-ymax">
          {formatCount(g.yMax)}
        </text>
        <text className="axis-label" x={x0 - 6} y={y1} textAnchor="end">
          0
        </text>
        {g.thresholdLine && <polyline className="threshold" points={g.thresholdLine} data-testid="efs-chart-threshold" />}
        {shownThreshold !== undefined && g.thresholdPoints.length > 0 && (
          <text className="threshold-label" x={x1} y={Math.max(y0 + 10, g.thresholdPoints.at(-1)!.y - 4)} textAnchor="end">
            threshold {formatCount(shownThreshold)}
          </text>
        )}
        {g.countLine && <polyline className="count" points={g.countLine} data-testid="efs-chart-line" />}
        {g.points.map((p) => (
          <circle key={`${p.ts}-${p.x}`} className={p.count > p.threshold ? 'dot over' : 'dot'} cx={p.x} cy={p.y} r={2.5} data-testid="efs-chart-point">
            <title>{`${formatTime(p.ts)}: ${formatCount(p.count)} files (threshold ${formatCount(p.threshold)})`}</title>
          </circle>
        ))}
        {g.tMin !== undefined && g.tMax !== undefined ? (
          <>
            <text className="axis-label" x={x0} y={g.box.height - 6} textAnchor="start" data-testid="efs-chart-tmin">
              {timeText(g.tMin)}
            </text>
            {g.tMax !== g.tMin && (
              <text className="axis-label" x={x1} y={g.box.height - 6} textAnchor="end" data-testid="efs-chart-tmax">
                {timeText(g.tMax)}
              </text>
            )}
          </>
        ) : (
          <text className="axis-label" x={(x0 + x1) / 2} y={(y0 + y1) / 2} textAnchor="middle">
            no counts yet: run the scaler to record one
          </text>
        )}
      </svg>
    </figure>
  );
}
