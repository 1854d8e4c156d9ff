// autocannon ships no types; this covers the part bench/serve-load.ts uses.
declare module 'autocannon' {
  type Req = { method?: string; path?: string; headers?: Record<string, string>; body?: string };
  type Options = {
    url: string;
    connections?: number;
    duration?: number;
    pipelining?: number;
    headers?: Record<string, string>;
    requests?: Array<Req & { setupRequest?: (req: Req) => Req }>;
  };
  type Stats = { average: number; mean: number; total: number; p50: number; p90: number; p99: number; max: number; min: number };
  type Result = { requests: Stats; latency: Stats; throughput: Stats; non2xx: number; errors: number; timeouts: number };
  /** The running job: a promise of the result that also emits each response (status, bytes, latency in ms). */
  type Instance = Promise<Result> & {
    on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTimeMs: number) => void): Instance;
    stop(): void;
  };
  export default function autocannon(options: Options): Instance;
}
