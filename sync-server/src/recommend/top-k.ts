// A fixed-size min-heap over (score, id): keeps the k best of a stream in O(n log k) without allocating per
// candidate. Every ranked list in the models goes through it, about once per account and list, so the storage is
// plain arrays (a small typed array costs a backing-store allocation each) and sorting is an in-place heap drain.

export class TopK {
  private readonly scores: number[];
  private readonly ids: number[];
  public size = 0;

  public constructor(public readonly k: number) {
    this.scores = new Array<number>(Math.max(1, k)).fill(0);
    this.ids = new Array<number>(Math.max(1, k)).fill(0);
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
    this.siftDown();
  }

  private siftDown(): void {
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

  /** Best first (ties: lower id first). The heap keeps its contents. */
  public sorted(): { ids: number[]; scores: number[] } {
    const n = this.size;
    const ids = new Array<number>(n);
    const scores = new Array<number>(n);
    // Drain the min-heap worst-first into the back of the output...
    for (let r = n - 1; r >= 0; r--) {
      ids[r] = this.ids[0];
      scores[r] = this.scores[0];
      this.size--;
      this.ids[0] = this.ids[this.size];
      this.scores[0] = this.scores[this.size];
      this.siftDown();
    }
    // ...then put it back: an array in ascending order is a valid min-heap.
    for (let t = 0; t < n; t++) {
      this.ids[t] = ids[n - 1 - t];
      this.scores[t] = scores[n - 1 - t];
    }
    this.size = n;
    return { ids, scores };
  }
}
