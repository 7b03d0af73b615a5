// Round-trip statistics of one link (count, mean, min, max), kept in O(1) so a link that lives for
// days costs the same as one that lives for a minute. Written to the link's history row on close.
export class RttStats {
  samples = 0;
  private sum = 0;
  min: number | undefined;
  max: number | undefined;

  add(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.samples++;
    this.sum += ms;
    this.min = this.min === undefined ? ms : Math.min(this.min, ms);
    this.max = this.max === undefined ? ms : Math.max(this.max, ms);
  }

  get avg(): number | undefined {
    return this.samples === 0 ? undefined : this.sum / this.samples;
  }

  summary(): { rtt_samples: number; rtt_avg_ms?: number; rtt_min_ms?: number; rtt_max_ms?: number } {
    const out: ReturnType<RttStats['summary']> = { rtt_samples: this.samples };
    const avg = this.avg;
    if (avg !== undefined) out.rtt_avg_ms = Math.round(avg * 100) / 100;
    if (this.min !== undefined) out.rtt_min_ms = this.min;
    if (this.max !== undefined) out.rtt_max_ms = this.max;
    return out;
  }
}
