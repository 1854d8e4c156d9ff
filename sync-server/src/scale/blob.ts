// One binary blob for a tree of typed arrays, maps, sets and plain values, so an artifact of the model step
// travels through PostgreSQL as one bytea and comes back as the same structure. The typed arrays are copied
// byte for byte after a JSON header (8-byte aligned, so decoding views them without another copy); numbers
// JSON cannot hold (NaN, ±Infinity, -0) are tagged, so a decoded value is identical to the encoded one.

type Tagged =
  | { $t: 'typed'; kind: TypedKind; offset: number; length: number }
  | { $t: 'num'; v: 'NaN' | 'Infinity' | '-Infinity' | '-0' }
  | { $t: 'map'; entries: unknown[] }
  | { $t: 'set'; values: unknown[] }
  | { $t: 'undef' };

const KINDS = {
  Int32Array,
  Uint32Array,
  Float64Array,
  Float32Array,
  Uint8Array,
  Int8Array,
  Int16Array,
  Uint16Array,
} as const;
type TypedKind = keyof typeof KINDS;
type Typed = InstanceType<(typeof KINDS)[TypedKind]>;

const MAGIC = 0x52434231; // "RCB1"

function kindOf(v: ArrayBufferView): TypedKind {
  for (const k of Object.keys(KINDS) as TypedKind[]) if (v instanceof KINDS[k]) return k;
  throw new Error(`blob: ${v.constructor.name} cannot be stored (supported: ${Object.keys(KINDS).join(', ')})`);
}

/** Encodes `value`; throws naming the path of anything it cannot store (functions, class instances). */
export function packBlob(value: unknown): Buffer {
  return encode(value, (bytes) => Buffer.alloc(bytes));
}

/**
 * packBlob into one buffer kept from call to call, for a caller that packs many blobs and lets each go at once
 * (the coordinator compresses each partition's input and sends the frame): a new buffer per blob is memory
 * outside the heap that V8 counts late, so hundreds of them made the coordinator grow or collect by hand.
 */
export class BlobPacker {
  private buf = Buffer.alloc(0);

  /** The blob, as a view of the kept buffer: valid until the next call. */
  public pack(value: unknown): Buffer {
    return encode(value, (bytes) => {
      if (bytes > this.buf.length) this.buf = Buffer.allocUnsafe(Math.max(bytes, this.buf.length * 2));
      return this.buf.subarray(0, bytes);
    });
  }
}

function encode(value: unknown, allocate: (bytes: number) => Buffer): Buffer {
  const arrays: Typed[] = [];
  let offset = 0;
  // Where the walk is, built into a path only for an error message: a string per value was most of the cost.
  // An array index is kept as the number and formatted only then.
  const where: (string | number)[] = [];
  const pathOf = (): string => `$${where.map((step) => (typeof step === 'number' ? `[${step}]` : step)).join('')}`;
  const tagged = (v: unknown, step: string | number): unknown => {
    where.push(step);
    const out = walk(v);
    where.pop();
    return out;
  };
  // Values JSON holds as they are come back as themselves, and a container is copied only when something in it
  // had to be tagged: an input's thousands of account records are then stringified without being rebuilt.
  const walk = (v: unknown): unknown => {
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return { $t: 'num', v: 'NaN' } satisfies Tagged;
      if (v === Infinity) return { $t: 'num', v: 'Infinity' } satisfies Tagged;
      if (v === -Infinity) return { $t: 'num', v: '-Infinity' } satisfies Tagged;
      if (Object.is(v, -0)) return { $t: 'num', v: '-0' } satisfies Tagged;
      return v;
    }
    if (v === undefined) return { $t: 'undef' } satisfies Tagged;
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      const kind = kindOf(v);
      const a = v as Typed;
      const at = offset;
      arrays.push(a);
      offset += Math.ceil(a.byteLength / 8) * 8;
      return { $t: 'typed', kind, offset: at, length: a.length } satisfies Tagged;
    }
    if (Array.isArray(v)) {
      let out: unknown[] | null = null;
      for (let i = 0; i < v.length; i++) {
        const x: unknown = v[i];
        const w = tagged(x, i);
        if (w !== x) out ??= v.slice(0, i);
        if (out) out.push(w);
      }
      return out ?? v;
    }
    if (v instanceof Map) return { $t: 'map', entries: [...v].map(([k, x], i) => [tagged(k, `<key ${i}>`), tagged(x, `<${String(k)}>`)]) } satisfies Tagged;
    if (v instanceof Set) return { $t: 'set', values: [...v].map((x, i) => tagged(x, `<${i}>`)) } satisfies Tagged;
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      if (flat(v as Record<string, unknown>)) return v;
      let out: Record<string, unknown> | null = null;
      const entries = Object.entries(v);
      for (let e = 0; e < entries.length; e++) {
        const [k, x] = entries[e];
        if (k === '$t') throw new Error(`blob: ${pathOf()}.$t is a reserved key`);
        const w = tagged(x, `.${k}`);
        if (w !== x && out === null) out = Object.fromEntries(entries.slice(0, e));
        if (out) setOwn(out, k, w);
      }
      return out ?? v;
    }
    throw new Error(`blob: ${pathOf()} is a ${typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v}, which cannot be stored`);
  };
  const header = Buffer.from(JSON.stringify(walk(value)), 'utf8');
  const headerEnd = Math.ceil((8 + header.length) / 8) * 8;
  const out = allocate(headerEnd + offset);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(header.length, 4);
  header.copy(out, 8);
  // The alignment padding is zeroed too, so the same value always packs to the same bytes in a reused buffer.
  out.fill(0, 8 + header.length, headerEnd);
  let at = headerEnd;
  for (const a of arrays) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), at);
    const end = at + Math.ceil(a.byteLength / 8) * 8;
    out.fill(0, at + a.byteLength, end);
    at = end;
  }
  return out;
}

/** An object JSON holds as it is: only strings, booleans, null and numbers JSON can write, no reserved key. */
function flat(o: Record<string, unknown>): boolean {
  for (const k in o) {
    const x = o[k];
    if (typeof x === 'string' || typeof x === 'boolean' || x === null) continue;
    if (typeof x !== 'number' || !Number.isFinite(x) || Object.is(x, -0)) return false;
  }
  return !('$t' in o);
}

/** As `o[k] = v`, but a key named __proto__ stays a key instead of setting the prototype. */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
}

/** Decodes packBlob's output. The typed arrays view one copy of the blob's bytes (aligned for every kind). */
export function unpackBlob<T>(blob: Uint8Array, what = 'blob'): T {
  if (blob.byteLength < 8) throw new Error(`${what}: ${blob.byteLength} bytes is too short to be a packed blob`);
  const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw new Error(`${what}: not a packed blob (bad magic number)`);
  const headerLength = view.getUint32(4, true);
  const headerEnd = Math.ceil((8 + headerLength) / 8) * 8;
  if (headerEnd > blob.byteLength) throw new Error(`${what}: truncated (header of ${headerLength} bytes in ${blob.byteLength})`);
  const header = JSON.parse(Buffer.from(blob.buffer, blob.byteOffset + 8, headerLength).toString('utf8')) as unknown;
  // One aligned copy: a bytea from pg arrives at an arbitrary offset of a shared pool buffer.
  const body = new Uint8Array(blob.byteLength - headerEnd);
  body.set(blob.subarray(headerEnd));
  // The parsed header is this function's own: tagged values are replaced in place, the rest is kept as parsed.
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) if (v[i] !== null && typeof v[i] === 'object') v[i] = walk(v[i]);
      return v;
    }
    if (v === null || typeof v !== 'object') return v;
    const t = v as Partial<Tagged> & Record<string, unknown>;
    switch (t.$t) {
      case 'typed': {
        const { kind, offset, length } = t as Extract<Tagged, { $t: 'typed' }>;
        const Ctor = KINDS[kind];
        if (!Ctor) throw new Error(`${what}: unknown array kind ${String(kind)}`);
        if (offset + length * Ctor.BYTES_PER_ELEMENT > body.byteLength) throw new Error(`${what}: truncated (${kind} at ${offset} past the end)`);
        return new Ctor(body.buffer, offset, length);
      }
      case 'num': {
        const n = (t as Extract<Tagged, { $t: 'num' }>).v;
        return n === 'NaN' ? NaN : n === 'Infinity' ? Infinity : n === '-Infinity' ? -Infinity : -0;
      }
      case 'map':
        return new Map((t as Extract<Tagged, { $t: 'map' }>).entries.map((e) => (e as unknown[]).map(walk) as [unknown, unknown]));
      case 'set':
        return new Set((t as Extract<Tagged, { $t: 'set' }>).values.map(walk));
      case 'undef':
        return undefined;
      default:
        for (const k in t) {
          const x = t[k];
          if (x === null || typeof x !== 'object') continue;
          const w = walk(x);
          if (w !== x) setOwn(t, k, w);
        }
        return t;
    }
  };
  return walk(header) as T;
}
