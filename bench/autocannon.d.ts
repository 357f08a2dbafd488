// autocannon ships no types; this covers only what bench/tasks/api.ts uses (autocannon 9.0.0).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';

  export interface AutocannonRequest {
    readonly method?: 'GET' | 'PATCH' | 'POST' | 'PUT' | 'DELETE';
    readonly path?: string;
    readonly headers?: Readonly<Record<string, string>>;
    readonly body?: string;
  }

  export interface AutocannonOptions {
    readonly url: string;
    readonly connections?: number;
    readonly pipelining?: number;
    /** Seconds. */
    readonly duration?: number;
    /** Seconds without a response before a request counts as timed out. */
    readonly timeout?: number;
    /** Cycled through in order by every connection. */
    readonly requests?: readonly AutocannonRequest[];
  }

  export interface AutocannonStats {
    readonly average: number;
    readonly min: number;
    readonly max: number;
    readonly total: number;
  }

  export interface AutocannonResult {
    /** Seconds, rounded to 10 ms. */
    readonly duration: number;
    readonly errors: number;
    readonly timeouts: number;
    readonly non2xx: number;
    readonly '2xx': number;
    readonly requests: AutocannonStats & { readonly sent: number };
    /** Milliseconds. */
    readonly latency: AutocannonStats & { readonly p50: number; readonly p99: number };
    readonly statusCodeStats: Readonly<Record<string, { readonly count: number }>>;
  }

  /**
   * With a callback the run starts at once and the emitter reports every response as
   * `('response', client, statusCode, bytes, responseTimeMs)`.
   */
  export default function autocannon(
    options: AutocannonOptions,
    callback: (error: Error | null, result: AutocannonResult) => void,
  ): EventEmitter;
}
