// index.d.ts - typings of the nexus-runtime package (index.js).

/** nx_code_name() of every Nexus error code. */
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
  | 'METHOD_NOT_FOUND';

/** Runtime configuration; omitted fields keep the C library's defaults. All integers. */
export interface NexusConfig {
  /** Sandboxes alive at once, running or suspended (64). Also the number of executions in progress at once. */
  maxInstances?: number;
  /** Sandboxes created at start (2). */
  prewarmInstances?: number;
  /** Wait for a free sandbox, then RESOURCE_LIMIT (1000). */
  acquireTimeoutMs?: number;
  /** A suspended execution expires after this (60000). */
  suspensionTtlMs?: number;
  /** In-memory bytecode cache size (64 MiB). */
  cacheMaxBytes?: number;
  /** On-disk bytecode cache directory; none by default. */
  cacheDir?: string | null;
  /** Wall-clock limit per execute/resume (5000). */
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
}

/** What a handler sees. Values cross as MessagePack (docs/values.md). */
export interface ExecutionContext {
  panelId?: string;
  handlerName?: string;
  /** $state: the state snapshot. */
  state?: Record<string, unknown>;
  /** $args. */
  args?: Record<string, unknown>;
  /** $scope. */
  scope?: Record<string, unknown>;
  /** Capability tokens such as "state:read:count", "events:emit:*", "ext:http". */
  capabilities?: string[];
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
  durationUs: number;
  compileUs: number;
  cacheHit: boolean;
  memoryBytes: number;
  hostCalls: number;
  /** Times this execution suspended so far. */
  suspensions: number;
}

/**
 * The result of an execution. Values decode as: integers beyond +-2^53 to
 * BigInt, timestamps to Date, binary to Uint8Array. When extension calls were
 * answered by JS handlers, the results of the resumes are combined: every
 * effect of the whole execution (a failed execution keeps only its logs).
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
  call: { id: string; extension: string },
) => unknown | Promise<unknown>;

/** nx_stats_t in camelCase. */
export interface RuntimeStats {
  executions: number;
  successes: number;
  errors: number;
  suspensions: number;
  errorsByCode: Record<NexusErrorCode, number>;
  hostCalls: number;
  cacheEntries: number;
  cacheBytes: number;
  cacheHits: number;
  cacheMisses: number;
  compilations: number;
  instancesIdle: number;
  instancesBusy: number;
  instancesSuspended: number;
  instancesCreated: number;
  memoryBytes: number;
  peakMemoryBytes: number;
  pendingSuspensions: number;
  dirtyPageRestore: boolean;
}

/** Misuse of the API (bad arguments, unknown suspension id, use after shutdown...). */
export class NexusError extends Error {
  name: 'NexusError';
  code: NexusErrorCode;
  /** The library's error result, when it produced one. */
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
  executeHandler(code: string, context?: ExecutionContext, timeoutMs?: number): Promise<ExecutionResult>;

  /** Compiles code; a syntax error rejects with code COMPILATION_ERROR, line and column. */
  precompileHandler(code: string): Promise<CompiledHandler>;

  executeCompiledHandler(
    handle: CompiledHandler,
    context?: ExecutionContext,
    timeoutMs?: number,
  ): Promise<ExecutionResult>;

  /**
   * Registers an extension. With a handler its calls are answered here (the
   * caller sees the final result); with null they are left to the caller:
   * the result comes back suspended, answer with resumeHandler.
   */
  registerExtension(name: string, methods: string[], handler?: ExtensionHandler | null): void;

  /** Answers a pending call; an unknown or used id rejects with INVALID_ARGUMENT. */
  resumeHandler(suspensionId: string, asyncResult: AsyncResult): Promise<ExecutionResult>;

  /** Abandons the suspended execution that owns suspensionId. */
  cancelSuspension(suspensionId: string): Promise<void>;

  getStats(): RuntimeStats;

  /** Prometheus text exposition (nexus_ prefix). */
  getPrometheusMetrics(): string;

  /** Suggests the capability tokens code needs, sorted and unique. */
  inferCapabilities(code: string): string[];

  /**
   * Stops the runtime: calls not started yet reject with INVALID_ARGUMENT,
   * running ones finish, suspended ones are cancelled. Idempotent.
   */
  shutdown(): Promise<void>;

  readonly isShutdown: boolean;
}

/** The C library's version. */
export const version: string;

export function inferCapabilities(code: string): string[];

/**
 * Tunes the executors shared by every runtime of this thread: at most
 * maxExecutors run at once (default: the libuv threadpool size), and after
 * the last request one spins up to spinMicros waiting for the next, while
 * the event loop polls rather than sleeps (default 200 with more than one
 * CPU, else 0; env NEXUS_SPIN_US). Spinning is used only while it measures
 * faster than sleeping.
 */
export function configureExecutors(options?: { maxExecutors?: number; spinMicros?: number }): void;
