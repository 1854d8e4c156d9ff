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
  const walk = (v: unknown, path: string): unknown => {
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
    if (Array.isArray(v)) return v.map((x, i) => walk(x, `${path}[${i}]`));
    if (v instanceof Map) return { $t: 'map', entries: [...v].map(([k, x], i) => [walk(k, `${path}<key ${i}>`), walk(x, `${path}<${String(k)}>`)]) } satisfies Tagged;
    if (v instanceof Set) return { $t: 'set', values: [...v].map((x, i) => walk(x, `${path}<${i}>`)) } satisfies Tagged;
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (k === '$t') throw new Error(`blob: ${path}.$t is a reserved key`);
        out[k] = walk(x, `${path}.${k}`);
      }
      return out;
    }
    throw new Error(`blob: ${path} is a ${typeof v === 'object' ? (v.constructor?.name ?? 'object') : typeof v}, which cannot be stored`);
  };
  const header = Buffer.from(JSON.stringify(walk(value, '$')), 'utf8');
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
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
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
        return Object.fromEntries(Object.entries(t).map(([k, x]) => [k, walk(x)]));
    }
  };
  return walk(header) as T;
}
