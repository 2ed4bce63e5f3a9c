// A log-linear histogram of microseconds (32 sub-buckets per octave, ~3 % error), mergeable
// across worker processes as plain arrays. The C++ generator's has 64; this one only has to
// carry the IM scenarios' figures.
const SUB = 32;

export class Histogram {
  constructor() {
    this.counts = []; // index -> count (sparse)
    this.n = 0;
    this.max = 0;
    this.sum = 0;
  }

  static index(us) {
    const v = Math.max(1, us);
    const octave = Math.floor(Math.log2(v));
    const frac = v / 2 ** octave - 1; // [0, 1)
    return octave * SUB + Math.floor(frac * SUB);
  }

  static value(index) {
    const octave = Math.floor(index / SUB);
    return 2 ** octave * (1 + (index % SUB + 0.5) / SUB);
  }

  record(us) {
    const i = Histogram.index(us);
    this.counts[i] = (this.counts[i] ?? 0) + 1;
    this.n++;
    this.sum += us;
    if (us > this.max) this.max = us;
  }

  merge(other) {
    other.counts.forEach((c, i) => { if (c) this.counts[i] = (this.counts[i] ?? 0) + c; });
    this.n += other.n;
    this.sum += other.sum;
    this.max = Math.max(this.max, other.max);
  }

  quantile(q) {
    if (!this.n) return 0;
    const want = Math.ceil(q * this.n);
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= Math.max(1, want)) return Math.min(Histogram.value(i), this.max);
    }
    return this.max;
  }

  toJSON() {
    return { counts: this.counts.map((c) => c ?? 0), n: this.n, max: this.max, sum: this.sum };
  }

  static fromJSON(j) {
    const h = new Histogram();
    h.counts = j.counts;
    h.n = j.n;
    h.max = j.max;
    h.sum = j.sum;
    return h;
  }

  // The generator's JSON figures: the quantiles and a spectrum for the plots.
  summary() {
    const r = (x) => Math.round(x * 10) / 10;
    return {
      count: this.n, mean: r(this.n ? this.sum / this.n : 0), p50: r(this.quantile(0.5)),
      p90: r(this.quantile(0.9)), p99: r(this.quantile(0.99)), p999: r(this.quantile(0.999)),
      max: r(this.max),
    };
  }

  spectrum() {
    return [0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999]
      .map((q) => [q * 100, Math.round(this.quantile(q) * 10) / 10]);
  }
}
