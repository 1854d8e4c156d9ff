// Open query cursors behind `nextRecordsUrl` locators (`01g...-<rows already returned>`). A cursor holds a
// snapshot of ordered rowids (or the finished aggregate rows), so each page is one indexed fetch instead of
// re-running the query; the oldest cursors are dropped past a count cap and a memory budget, like an org
// discarding open locators, and a cursor closes once its last page is served.
import { SfApiError } from '../types.js';
import { encodeBase62, POD } from '../store/ids.js';
import { withChecksum } from './ids.js';
import type { RowPlan } from './plan.js';

export type Cursor =
  | { kind: 'rows'; plan: RowPlan; rowids: Float64Array; batchSize: number }
  | { kind: 'records'; records: object[]; batchSize: number };

export class CursorStore {
  private readonly open = new Map<string, Cursor>();
  private counter = 0;
  private retained = 0;

  public constructor(
    private readonly cap: number,
    /** Most rows (rowids or records) all open cursors may hold together. */
    private readonly rowBudget = 20_000_000,
  ) {}

  private static size(c: Cursor): number {
    return c.kind === 'rows' ? c.rowids.length : c.records.length;
  }

  public add(cursor: Cursor): string {
    const id = withChecksum(`01g${POD}${encodeBase62(++this.counter, 10)}`);
    this.open.set(id, cursor);
    this.retained += CursorStore.size(cursor);
    while (this.open.size > 1 && (this.open.size > this.cap || this.retained > this.rowBudget)) {
      this.close(this.open.keys().next().value as string);
    }
    return id;
  }

  /** Cursor and offset for a locator (`01g...-2000`, or a whole nextRecordsUrl). */
  public resolve(locator: string): { id: string; cursor: Cursor; offset: number } {
    const last = locator.slice(locator.lastIndexOf('/') + 1);
    const m = /^(01g[A-Za-z0-9]{15})-(\d+)$/.exec(last);
    const cursor = m ? this.open.get(m[1]) : undefined;
    const total = cursor ? (cursor.kind === 'rows' ? cursor.rowids.length : cursor.records.length) : 0;
    if (!m || !cursor || Number(m[2]) > total) {
      throw new SfApiError(400, [{ errorCode: 'INVALID_QUERY_LOCATOR', message: 'invalid query locator' }]);
    }
    // Touch: recently used cursors survive eviction.
    this.open.delete(m[1]);
    this.open.set(m[1], cursor);
    return { id: m[1], cursor, offset: Number(m[2]) };
  }

  public close(id: string): void {
    const c = this.open.get(id);
    if (!c) return;
    this.retained -= CursorStore.size(c);
    this.open.delete(id);
  }
}
