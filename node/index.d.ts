// index.d.ts - typings of the nexus-runtime package (index.js).

/**
 * Every code a NexusError or a result's error carries: the library's
 * (nx_code_name) plus two the Node layer adds:
 * - `ABORTED`: the call's AbortSignal fired (the promise rejects at once;
 *   the execution is abandoned and cancelled);
 * - `SHUT_DOWN`: the runtime was shut down before or during the call.
 */
export type NexusErrorCode =
  | 'TIMEOUT'
  | 'MEMORY_LIMIT'
  | 'PERMISSION_DENIED'
  | 'EXECUTION_ERROR'
  | 'COMPILATION_ERROR'
  | 'INVALID_HANDLER'
  | 'INTERNAL_ERROR'
  | 'RESOURCE_LIMIT'
  | 'WASM_ERROR'
  | 'SERIALIZATION_ERROR'
  | 'INVALID_ARGUMENT'
  | 'EXTENSION_NOT_FOUND'
  | 'METHOD_NOT_FOUND'
  | 'STORE_UNAVAILABLE'
  | 'ABORTED'
  | 'SHUT_DOWN';

/**
 * Where suspended executions wait between processes: Redis 6.2 or later
 * (SET PX, GETDEL, DEL). Every runtime attached to the same Redis and
 * prefix with the same suspensionKey can resume any of them, exactly once.
 */
export interface SuspensionStoreOptions {
  /** "redis://HOST:PORT", optionally "redis://:PASSWORD@HOST:PORT/DB". Dialled lazily. */
  redis: string;
  /** Keys go under this prefix ("nexus:"); separates tenants or environments sharing one Redis. */
  keyPrefix?: string;
  /** Each Redis command's bound, then STORE_UNAVAILABLE (1000). */
  timeoutMs?: number;
}

/**
 * An execution's limits. In NexusConfig they are the runtime's defaults
 * (omitted: the C library's); in context.limits one execution's (absent or
 * 0: the runtime's default).
 */
export interface ExecutionLimits {
  /**
   * Overall deadline of an execution, from the call to its final
   * result, extension waits included (60000). When it passes the promise
   * resolves with a `TIMEOUT` error result and the execution is cancelled.
   */
  deadlineMs?: number;
  /** Wall-clock limit of each run in the sandbox (execute or resume) (5000). */
  timeoutMs?: number;
  /** Guest memory cap, 4..4096 (64). */
  memoryLimitMb?: number;
  /** Host calls per execution, resumes included (10000). */
  maxHostCalls?: number;
  /** One state value, payload or return value (1 MiB). */
  maxValueBytes?: number;
  /** One log message (16 KiB). */
  maxLogBytes?: number;
  /** Events per execution (1000). */
  maxEvents?: number;
  /** View commands per execution (1000). */
  maxViewCommands?: number;
  /** Log messages per execution (1000). */
  maxLogs?: number;
  /** Distinct state keys written (1000). */
  maxStateKeys?: number;
  /** Everything recorded, summed (16 MiB). */
  maxOutputBytes?: number;
  /**
   * Bytecode instructions per execution, resumes included (none by
   * default). Over it: a RESOURCE_LIMIT error result, which the handler
   * cannot catch. Counts are deterministic, unlike the time limits.
   */
  maxInstructions?: number;
}

/** Runtime configuration; omitted fields keep the C library's defaults. All integers but the suspension options. */
export interface NexusConfig extends ExecutionLimits {
  /** Sandboxes alive at once, running or suspended (64). Also the number of executions in progress at once. */
  maxInstances?: number;
  /** Sandboxes created at start (2). */
  prewarmInstances?: number;
  /** Wait for a free sandbox, then RESOURCE_LIMIT (1000). */
  acquireTimeoutMs?: number;
  /**
   * A suspension handed to the caller (an extension registered without a
   * handler) waits this long for resumeHandler, then is cancelled (60000).
   * Calls answered by JS extension handlers are bounded by deadlineMs only.
   * With a suspensionStore it is the store's expiry (Redis PX) of every
   * suspended execution, JS-served calls' waits included: keep it at least
   * deadlineMs.
   */
  suspensionTtlMs?: number;
  /** In-memory bytecode cache size (64 MiB). */
  cacheMaxBytes?: number;
  /** On-disk bytecode cache directory; none by default. */
  cacheDir?: string | null;
  /**
   * The key suspended executions are sealed with (HMAC-SHA256) when they
   * leave the process: 16 to 64 bytes (a string: its UTF-8). The same on
   * every runtime that shares executions; keep it secret (whoever has it
   * can forge an execution with any capability). Needed by
   * suspensionStore, exportSuspended and importSuspended.
   */
  suspensionKey?: Uint8Array | string;
  /**
   * Suspended executions wait in this store instead of this process: they
   * hold no sandbox, survive the process, and resumeHandler on any runtime
   * attached to the same store resumes them (docs/durable-suspensions.md).
   * Without one they wait in memory, as before.
   */
  suspensionStore?: SuspensionStoreOptions;
}

/**
 * What a handler sees. Values cross exactly or are refused with
 * SERIALIZATION_ERROR naming the path (`args.list[3].big`): plain objects
 * and Maps with string keys (arrive as objects), arrays, strings (well-formed
 * UTF-16), numbers (-0, NaN, Infinity included), BigInts within 64 bits
 * (within +-2^53 they arrive as numbers), Dates, binary data (typed arrays,
 * ArrayBuffer, DataView: arrive as Uint8Array), null, booleans. Undefined
 * object members are left out; undefined array members become null.
 */
export interface ExecutionContext {
  panelId?: string;
  handlerName?: string;
  /** $state: the state snapshot. */
  state?: Record<string, unknown>;
  /** $args. */
  args?: Record<string, unknown>;
  /** $scope. */
  scope?: Record<string, unknown>;
  /** Capability tokens such as "state:read:count", "events:emit:*", "ext:http", "host:acme:billing/quota". */
  capabilities?: string[];
  limits?: ExecutionLimits;
}

/** Options of one call. */
export interface CallOptions {
  /** Aborting rejects the call's promise with ABORTED and abandons the execution. */
  signal?: AbortSignal;
  /** The same as context.limits.timeoutMs. */
  timeoutMs?: number;
}

export interface ExecuteOptions extends CallOptions {
  /** Record the execution: its final result carries `recording` (see NexusRuntime#replay). */
  record?: boolean;
}

export interface StateMutation {
  key: string;
  op: 'set' | 'delete';
  /** null for a delete. */
  value: unknown;
}

export interface HandlerEvent {
  name: string;
  payload: unknown;
}

export interface ViewCommand {
  componentId: string | null;
  type: string;
  args: unknown;
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  /** Unix epoch milliseconds. */
  timestamp: number;
}

/** A pending extension call of a suspended execution. */
export interface PendingCall {
  /** The suspension id: pass it to resumeHandler. */
  id: string;
  extension: string;
  method: string;
  args: unknown[];
}

export interface ErrorInfo {
  code: NexusErrorCode;
  message: string;
  stack: string | null;
  /** 1-based line in the handler source, null if unknown. */
  line: number | null;
  /** 1-based column (syntax errors), null if unknown. */
  column: number | null;
  sourceLine: string | null;
}

export interface ExecutionMetrics {
  /** Wall time in the sandbox, microseconds (summed over the runs a combined result covers). */
  durationUs: number;
  /** Time compiling (0 on a bytecode cache hit). */
  compileUs: number;
  /** The bytecode came from the cache. */
  cacheHit: boolean;
  /** The guest's linear memory at the end, bytes. */
  memoryBytes: number;
  /** Host calls made (summed likewise). */
  hostCalls: number;
  /** Times this execution suspended so far. */
  suspensions: number;
  /** Bytecode instructions the handler ran (summed likewise). */
  instructions: number;
  /** CPU time of the thread in the sandbox, microseconds (compilation excluded; summed likewise). */
  guestCpuUs: number;
}

/**
 * The result of an execution. Values decode as: integers beyond +-2^53 to
 * BigInt, timestamps to Date, binary to Uint8Array. The final result covers
 * the whole execution: every segment's effects, folded by the library's
 * rule (a failed execution keeps only its logs), in whichever process it
 * ends. A suspended result handed to the caller covers what happened since
 * the previous one; with a suspensionStore (or from importSuspended), the
 * whole execution so far.
 */
export interface ExecutionResult {
  status: 'success' | 'error' | 'suspended';
  /** The handler's return value (null for undefined or when not a success). */
  returnValue: unknown;
  stateMutations: StateMutation[];
  events: HandlerEvent[];
  viewCommands: ViewCommand[];
  logs: LogEntry[];
  /** The first pending call (suspended only). */
  suspension: PendingCall | null;
  /** Every pending call (suspended only). */
  pendingCalls: PendingCall[];
  error: ErrorInfo | null;
  metrics: ExecutionMetrics;
  /**
   * With `{ record: true }`: the recording (MessagePack) once the execution
   * ended, null on a suspended result (it is complete only at the end).
   */
  recording?: Uint8Array | null;
}

/** The answer to a pending extension call. */
export type AsyncResult =
  | { success: true; value?: unknown }
  | { success: false; error: string | Error };

/**
 * Serves `$ext.NAME.METHOD(...args)`: the awaited value resolves the
 * handler's await; a throw or rejection makes it throw an Error with the message.
 */
export type ExtensionHandler = (
  method: string,
  args: unknown[],
  /** signal aborts when the execution ends without this answer (deadline, abort, shutdown). */
  call: { id: string; extension: string; signal: AbortSignal },
) => unknown | Promise<unknown>;

/** A synchronous $host function: gets the value the handler passed, returns the answer. */
export type HostFunction = (args: unknown) => unknown;

/** A host call as an interceptor sees it. */
export interface InterceptedCall {
  phase: 'before' | 'after';
  /** "nexus:state", "nexus:events", "nexus:view", "nexus:log", "nexus:time", "nexus:random", "nexus:ext", "nexus:host", "wasi". */
  interface: string;
  /** "get", "set", "emit", "clock_time_get", ... */
  function: string;
  /** The call's arguments as a value (null when unknown). */
  input: unknown;
  /** Its answer (null in the before phase and after a failed call). */
  output: unknown;
  /** "OK" or the failure's code. */
  code: 'OK' | NexusErrorCode;
}

/**
 * The library's counters (nx_stats_t), since the runtime was created. After
 * shutdown() the last figures stay readable.
 */
export interface RuntimeStats {
  /**
   * Calls into the sandbox that finished: each execute and each resume
   * counts once, so an execution that suspended twice counts three times.
   */
  executions: number;
  /** Of those, the ones that ended in success. */
  successes: number;
  /** ... in an error result (errorsByCode says which). */
  errors: number;
  /** ... suspended. */
  suspensions: number;
  /** Error results by code (every library code, zeros included). */
  errorsByCode: Record<NexusErrorCode, number>;
  /** Host calls made by all executions. */
  hostCalls: number;
  /** Bytecode cache (memory): entries and their bytes. */
  cacheEntries: number;
  cacheBytes: number;
  /** Compilations avoided / needed by the cache. */
  cacheHits: number;
  cacheMisses: number;
  /** Handler compilations run. */
  compilations: number;
  /** Sandbox instances: pooled and free, running, holding a suspended execution; created in total. */
  instancesIdle: number;
  instancesBusy: number;
  instancesSuspended: number;
  instancesCreated: number;
  /** Guest linear memory of all live instances, bytes (what the sandboxes have grown to; not the process's RSS). */
  memoryBytes: number;
  /** The highest memoryBytes seen. */
  peakMemoryBytes: number;
  /** Suspended executions waiting for a resume. */
  pendingSuspensions: number;
  /** true: instances are restored by copying only written pages (userfaultfd); false: whole-image copies. */
  dirtyPageRestore: boolean;
}

/** Misuse of the API (bad arguments, unknown suspension id, use after shutdown...). */
export class NexusError extends Error {
  name: 'NexusError';
  code: NexusErrorCode;
  /**
   * The library's error result, when it produced one. With
   * STORE_UNAVAILABLE: the suspended execution (its pendingCalls), which
   * was kept (in this process when the store could not take it, in the
   * store when it could not be taken from it) for a later resumeHandler.
   */
  result?: ExecutionResult;
  line?: number | null;
  column?: number | null;
  sourceLine?: string | null;
  handlerStack?: string;
}

/** A handler compiled by NexusRuntime#precompileHandler. */
export class CompiledHandler {
  private constructor();
  /** Hex digest of the source and engine. */
  readonly id: string;
}

export class NexusRuntime {
  /** @throws NexusError (INVALID_ARGUMENT) on a bad config. */
  constructor(config?: NexusConfig);

  /**
   * Runs handler source (the body of an async function). Resolves with the
   * result whatever the handler did; rejects with a NexusError when the call
   * itself is refused (bad arguments, malformed capability token, shut down).
   */
  executeHandler(code: string, context?: ExecutionContext, options?: ExecuteOptions | number): Promise<ExecutionResult>;

  /** Compiles code; a syntax error rejects with code COMPILATION_ERROR, line and column. */
  precompileHandler(code: string): Promise<CompiledHandler>;

  executeCompiledHandler(
    handle: CompiledHandler,
    context?: ExecutionContext,
    options?: CallOptions | number,
  ): Promise<ExecutionResult>;

  /**
   * Registers an extension. With a handler its calls are answered here (the
   * caller sees the final result); with null they are left to the caller:
   * the result comes back suspended, answer with resumeHandler.
   */
  registerExtension(name: string, methods: string[], handler?: ExtensionHandler | null): void;

  /**
   * Registers a $host interface ("namespace:package/name") whose functions
   * are JavaScript: handlers call `$host[name].fn(args)` with the capability
   * `host:NAME` and get the return value synchronously (the execution waits
   * while the function runs on the JS thread). A function that throws makes
   * the call throw EXECUTION_ERROR with its message (onError sees it first);
   * returning a Promise is such an error.
   */
  registerInterface(
    name: string,
    functions: Record<string, HostFunction>,
    options?: { onError?: (iface: string, fn: string, message: string) => void },
  ): void;

  /**
   * Adds hooks seeing every host call of every execution, in order, on the
   * JS thread after the execute or resume that made them and before its
   * promise settles. Returns an id for removeInterceptor.
   */
  addInterceptor(hooks: { before?: (call: InterceptedCall) => void; after?: (call: InterceptedCall) => void }): number;
  removeInterceptor(id: number): void;

  /** Replays a recording: the same result, metrics aside (a divergence: an INVALID_HANDLER error result). */
  replay(recording: Uint8Array): Promise<ExecutionResult>;

  /**
   * Answers a pending call; an unknown or used id rejects with
   * INVALID_ARGUMENT, one whose deadline passed resolves with a TIMEOUT
   * error result. With a suspensionStore any runtime attached to it resumes
   * any suspension in it, exactly once (a second resume of the id, from any
   * process, rejects with INVALID_ARGUMENT); a store that does not answer
   * rejects with STORE_UNAVAILABLE and the execution stays in it. An answer
   * over the execution's maxValueBytes rejects with RESOURCE_LIMIT and the
   * suspension waits (in this runtime) to be answered again.
   */
  resumeHandler(suspensionId: string, asyncResult: AsyncResult, options?: CallOptions): Promise<ExecutionResult>;

  /**
   * Takes the suspended execution waiting on suspensionId (in this runtime
   * or its store) out as bytes sealed with the suspensionKey: it then waits
   * nowhere until importSuspended brings it back, on any runtime of the same
   * Nexus build and key, in any process.
   */
  exportSuspended(suspensionId: string): Promise<Buffer>;

  /**
   * Imports what exportSuspended made: resolves with the whole execution so
   * far, suspended on the calls left to the caller (JS-served ones are
   * answered first), or with its end. It waits in this runtime. Bytes altered
   * in any way, sealed under another key or made by another build reject
   * with INVALID_ARGUMENT.
   */
  importSuspended(bytes: Uint8Array, options?: CallOptions): Promise<ExecutionResult>;

  /** Abandons the suspended execution that owns suspensionId. */
  cancelSuspension(suspensionId: string): Promise<void>;

  getStats(): RuntimeStats;

  /** Prometheus text exposition (nexus_ prefix). */
  getPrometheusMetrics(): string;

  /** Suggests the capability tokens code needs, sorted and unique. */
  inferCapabilities(code: string): string[];

  /**
   * Stops the runtime: calls not started yet and executions waiting on a JS
   * extension reject with SHUT_DOWN, running ones finish (or reject with
   * SHUT_DOWN if they suspend), suspended ones waiting in this process are
   * cancelled (those in the store stay there, for any runtime to resume);
   * later calls reject with SHUT_DOWN. Resolves once every promise has
   * settled. Idempotent.
   */
  shutdown(): Promise<void>;

  /** shutdown(). */
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;

  readonly isShutdown: boolean;
}

/** The C library's version. */
export const version: string;

export function inferCapabilities(code: string): string[];

/**
 * Tunes the executors shared by every runtime of this thread (threads of
 * the addon's own): at most maxExecutors run at once (default one per CPU,
 * at least 2; env NEXUS_EXECUTORS), and after the last request one spins up
 * to spinMicros waiting for the next, while the event loop polls rather than
 * sleeps (default 200 with more than one CPU, else 0; env NEXUS_SPIN_US).
 * Spinning is used only while it measures faster than sleeping.
 */
export function configureExecutors(options?: { maxExecutors?: number; spinMicros?: number }): void;
