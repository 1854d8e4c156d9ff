// A fixed-size min-heap over (score, id) in typed arrays: keeps the k best of a stream in O(n log k) without
// allocating per candidate. Every ranked list in the models goes through it.

export class TopK {
  private readonly scores: Float64Array;
  private readonly ids: Int32Array;
  public size = 0;

  public constructor(public readonly k: number) {
    this.scores = new Float64Array(Math.max(1, k));
    this.ids = new Int32Array(Math.max(1, k));
  }

  public clear(): void {
    this.size = 0;
  }

  /** A score must beat this to enter (with a lower id on ties); -Infinity until the heap is full. */
  public threshold(): number {
    return this.size < this.k ? -Infinity : this.scores[0];
  }

  /** Ties keep the lower id, so results never depend on insertion order. */
  private less(a: number, b: number): boolean {
    const sa = this.scores[a];
    const sb = this.scores[b];
    return sa < sb || (sa === sb && this.ids[a] > this.ids[b]);
  }

  public push(id: number, score: number): void {
    if (this.k <= 0) return;
    if (this.size < this.k) {
      let i = this.size++;
      this.scores[i] = score;
      this.ids[i] = id;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.less(i, p)) break;
        this.swap(i, p);
        i = p;
      }
      return;
    }
    const s0 = this.scores[0];
    if (score < s0 || (score === s0 && id > this.ids[0])) return;
    this.scores[0] = score;
    this.ids[0] = id;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.size && this.less(l, m)) m = l;
      if (r < this.size && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(a: number, b: number): void {
    const s = this.scores[a];
    this.scores[a] = this.scores[b];
    this.scores[b] = s;
    const d = this.ids[a];
    this.ids[a] = this.ids[b];
    this.ids[b] = d;
  }

  /** Best first. */
  public sorted(): { ids: number[]; scores: number[] } {
    const order = Array.from({ length: this.size }, (_, i) => i);
    order.sort((a, b) => this.scores[b] - this.scores[a] || this.ids[a] - this.ids[b]);
    return { ids: order.map((i) => this.ids[i]), scores: order.map((i) => this.scores[i]) };
  }
}
