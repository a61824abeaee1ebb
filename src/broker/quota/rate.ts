/**
 * Kafka's windowed Rate (org.apache.kafka.common.metrics.stats.Rate over a SampledStat), which every quota measures
 * with: `samples` windows of `windowMs`, the oldest dropped as time moves on. The rate divides by the time the
 * samples cover, but never by less than samples - 1 whole windows, so a client's first burst counts against a full
 * window instead of a few milliseconds (Kafka's quota.window.num = 11 and quota.window.size.seconds = 1: 10 s).
 * The throttle time follows ClientQuotaManager: to bring an observed rate O down to the bound T over the window W,
 * the client waits X with O * W / (W + X) = T, that is X = (O - T) / T * W.
 */
export interface RateConfig {
  /** quota.window.num */
  samples: number;
  /** quota.window.size.seconds, in milliseconds */
  windowMs: number;
}

interface Sample {
  /** When this sample's window started. */
  start: number;
  value: number;
}

export class SampledRate {
  private readonly samples: Sample[] = [];
  private current = 0;

  constructor(private readonly config: RateConfig) {}

  record(value: number, now: number): void {
    let s = this.samples[this.current];
    if (!s) {
      s = { start: now, value: 0 };
      this.samples[this.current] = s;
    } else if (now >= s.start + this.config.windowMs) {
      this.current = (this.current + 1) % this.config.samples;
      s = this.samples[this.current];
      if (s) {
        s.start = now;
        s.value = 0;
      } else this.samples[this.current] = s = { start: now, value: 0 };
    }
    s.value += value;
  }

  /** Units per second over the window. */
  measure(now: number): number {
    this.purgeObsolete(now);
    let total = 0;
    for (const s of this.samples) if (s) total += s.value;
    return total / (this.windowSize(now) / 1000);
  }

  /** The window the rate divides by (Rate.windowSize): the samples' span, at least samples - 1 whole windows. */
  windowSize(now: number): number {
    this.purgeObsolete(now);
    const oldest = this.oldest(now);
    let elapsed = now - oldest;
    const fullWindows = Math.floor(elapsed / this.config.windowMs);
    const minFullWindows = this.config.samples - 1;
    if (fullWindows < minFullWindows) elapsed += (minFullWindows - fullWindows) * this.config.windowMs;
    return elapsed;
  }

  /** Whether nothing was recorded for the whole window (the sensor may go). */
  idle(now: number): boolean {
    this.purgeObsolete(now);
    return this.samples.every((s) => !s || s.value === 0);
  }

  private oldest(now: number): number {
    let oldest = now;
    for (const s of this.samples) if (s && s.start < oldest) oldest = s.start;
    return oldest;
  }

  /** Samples older than the whole window are reset, as SampledStat.purgeObsoleteSamples. */
  private purgeObsolete(now: number): void {
    const expireAge = this.config.samples * this.config.windowMs;
    for (const s of this.samples) {
      if (s && now - s.start >= expireAge) {
        s.start = now;
        s.value = 0;
      }
    }
  }
}

/** ClientQuotaManager.throttleTime: how long until the rate is back at the bound, nothing more being recorded. */
export function throttleTimeMs(observed: number, bound: number, windowMs: number): number {
  if (observed <= bound) return 0;
  return Math.round(((observed - bound) / bound) * windowMs);
}
