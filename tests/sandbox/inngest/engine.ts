/**
 * The stand-in's executor: registered apps, event routing, and runs driven through the SDK protocol
 * (SDK_SPEC 4.4 and 5). Everything lives in memory; a restart forgets every run.
 */
import { createHash } from 'node:crypto';
import { Cron } from 'croner';
import { compileExpression, matches } from './expression';
import {
  delayUntil,
  incomingEventSchema,
  outgoingOpSchema,
  parseRetryAfter,
  registerBodySchema,
  toSerializedError,
  ulid,
  type FunctionConfig,
  type InngestEvent,
  type OutgoingOp,
  type SerializedError,
  type StepState,
} from './protocol';
import { request, type Dispatcher } from 'undici';
import { z } from 'zod';

export type RunStatus = 'Running' | 'Completed' | 'Failed' | 'Cancelled';

export interface RunSummary {
  runId: string;
  functionId: string;
  appId: string;
  event: InngestEvent;
  status: RunStatus;
  /** The most attempts any one request of this run needed (1 = no retry). */
  attempts: number;
  output?: unknown;
  error?: SerializedError;
  /**
   * Memoised steps in completion order; `delayMs` is the unscaled wait of a sleep; `checkpointed` when the SDK
   * reported the step to `/v1/checkpoint/{runId}/async` during a call instead of answering the call with it.
   */
  steps: { id: string; name: string; op: string; result: 'data' | 'error'; delayMs?: number; checkpointed?: true }[];
  /** Calls made to the app for this run (discovery, steps and retries): what it costs the app in HTTP requests. */
  calls: number;
  /** Checkpoint requests the SDK made for this run that were accepted (`POST /v1/checkpoint/{runId}/async`). */
  checkpoints: number;
  /** Every retry scheduled, with the unscaled delay chosen (backoff or the SDK's Retry-After). */
  retries: { step: string | null; attempt: number; delayMs: number; error: SerializedError }[];
  /** What a Running run is blocked on, e.g. "WaitForEvent order/paid", "Sleep cool-off", "Retry". */
  waiting?: string;
  startedAt: string;
  endedAt?: string;
}

export interface EngineOptions {
  /** Multiplies every wait (sleeps, retry backoff, timeouts, cron intervals); 1 = real time. */
  timeScale: number;
  /** Maximum simultaneous calls to apps, like `inngest dev --queue-workers`. */
  workers: number;
  log: (line: string) => void;
  /**
   * Headers that authenticate a call to an app with this body: a signing server's `X-Inngest-Signature` and server
   * kind (signing.ts). Without it the calls are unsigned, as the dev server's are.
   */
  authHeaders?: (body: string) => Record<string, string>;
}

type ConcurrencyOption = { limit: number; key?: string | null; scope?: 'fn' | 'env' | 'account' | null };
interface Fn {
  id: string;
  /** The function's internal UUID, sent as `ctx.fn_id` and expected back in checkpoints (as Inngest's fn UUID). */
  uuid: string;
  appId: string;
  url: string;
  retries: number;
  config: FunctionConfig;
}
interface Run {
  summary: RunSummary;
  fn: Fn;
  steps: Record<string, StepState>;
  stack: string[];
  disableImmediate: boolean;
  concurrency: { id: string; limit: number }[];
  /** When the run started (its queue items' score: see `call`). */
  startedAtMs: number;
  /** The score of the next call when it follows a wait of 2 s or more (a sleep, a retry's backoff): when it woke. */
  wokeAtMs: number | null;
  /** Calls in flight, by queue item ref (`ctx.qi_id`): a checkpoint is accepted only from a current dispatch. */
  dispatches: Map<string, QueueItem>;
  abort: AbortController;
  done: Promise<void>;
  resolveDone: () => void;
}
/**
 * A queue item as the executor leases it for one call to the app: a job id, stable across the retries of the same
 * call, and a generation that each dispatch bumps (inngest/inngest pkg/execution/state/redis_state/queue_op.go,
 * `Requeue`: "Bump GenerationID so the next dispatch supersedes the previous one"). `qiId` is the ref sent as
 * `ctx.qi_id`: base64 of `jobId::shard` (pkg/execution/executor/queueref/queueref.go). `checkpointed` is set when a
 * checkpoint from this dispatch was accepted, which resets the item's attempts (checkpointAsyncSteps:
 * `ResetAttemptsByJobID`).
 */
interface QueueItem {
  jobId: string;
  qiId: string;
  generation: number;
  checkpointed: boolean;
}
type CallResult =
  | { kind: 'complete'; output: unknown }
  | { kind: 'ops'; ops: OutgoingOp[]; retryAfterMs?: number }
  | { kind: 'error'; error: SerializedError; retriable: boolean; retryAfterMs?: number };
interface Waiter {
  run: Run;
  name: string;
  expression?: string;
  resolve: (event: InngestEvent | null) => void;
}

const DEFAULT_RETRIES = 3;
/** Inngest's consts.FutureAtLimit: an item due this long after it was queued keeps its own time as its score. */
const FUTURE_AT_LIMIT_MS = 2000;
const RETRY_BASE_MS = 10_000;
const RETRY_MAX_MS = 60 * 60_000;
const DEDUPE_WINDOW_MS = 24 * 60 * 60_000;
const CALL_TIMEOUT_MS = 5 * 60_000;
const MAX_FINISHED_RUNS = 50_000;
const UNSUPPORTED_FLOW_CONTROL = ['rateLimit', 'debounce', 'batchEvents', 'priority', 'singleton', 'timeouts'];
/** The opcodes an async checkpoint may carry (inngest/inngest pkg/enums/opcode.go, `opcodeSyncMap`). */
const SYNC_OPCODES = new Set(['Step', 'StepRun', 'StepPlanned', 'RunComplete', 'SyncRunComplete', 'StepFailed', 'DeferAdd', 'DeferAbort']);
/** The body of `POST /v1/checkpoint/{runId}/async` (pkg/api/apiv1/checkpoint_types.go, `checkpointAsyncSteps`). */
const checkpointAsyncSchema = z.object({
  run_id: z.string().nullish(),
  fn_id: z.string().nullish(),
  qi_id: z.string().nullish(),
  request_id: z.string().nullish(),
  generation_id: z.number().int().nullish(),
  request_started_at: z.number().nullish(),
  steps: z.array(outgoingOpSchema),
  ts: z.number().nullish(),
});

/** A queue item for a new call: a fresh job id; its ref is base64 of `jobId::shard` (executor/queueref/queueref.go). */
function queueItem(): QueueItem {
  const jobId = ulid();
  return { jobId, qiId: Buffer.from(`${jobId}::standin`).toString('base64'), generation: 0, checkpointed: false };
}

/** A stable UUID per function id (Inngest gives each function a UUID when the app syncs). */
function functionUuid(id: string): string {
  const hex = createHash('sha1').update(`inngest-standin:${id}`).digest('hex');
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function createEngine(options: EngineOptions) {
  const { timeScale, log } = options;
  const apps = new Map<string, { id: string; url: string; functions: Map<string, Fn>; json: string }>();
  const runs = new Map<string, Run>();
  const active = new Set<Run>();
  let callsInFlight = 0;
  let quietWaiters: Array<() => void> = [];
  const waiters = new Set<Waiter>();
  const recentEvents: InngestEvent[] = [];
  /** Events received since start, by name (the list above keeps only the last 1000). */
  const receivedByName = new Map<string, number>();
  const seenEventIds = new Map<string, number>();
  const idempotencyKeys = new Map<string, number>();
  /** Per concurrency key (and the worker pool): the calls running, and those waiting in score order. */
  const slots = new Map<string, { active: number; queue: { score: number; seq: number; resolve: () => void }[] }>();
  let slotSeq = 0;
  /** Throttle state per function and key: GCRA's theoretical arrival time and the FIFO of waiting runs. */
  const throttles = new Map<string, { tat: number; queue: Promise<void> }>();
  const crons = new Map<string, (() => void)[]>();
  const timers = new Set<NodeJS.Timeout>();
  let idleWaiters: (() => void)[] = [];

  // ---- time, slots ------------------------------------------------------------------------------
  const later = (ms: number, fn: () => void): NodeJS.Timeout => {
    // setTimeout overflows past ~24.8 days; a local stand-in never lives that long.
    const timer = setTimeout(() => (timers.delete(timer), fn()), Math.min(Math.max(0, ms), 2 ** 31 - 1));
    timers.add(timer);
    return timer;
  };
  const cancelTimer = (timer: NodeJS.Timeout) => (clearTimeout(timer), timers.delete(timer));
  /** Waits `ms` of platform time (scaled); resolves early when the run ends. */
  const wait = (run: Run, ms: number) =>
    new Promise<void>((resolve) => {
      if (run.abort.signal.aborted) return resolve();
      const timer = later(ms * timeScale, done);
      function done() {
        cancelTimer(timer);
        if (ms * timeScale >= FUTURE_AT_LIMIT_MS) run.wokeAtMs = Date.now();
        run.abort.signal.removeEventListener('abort', done);
        resolve();
      }
      run.abort.signal.addEventListener('abort', done);
    });

  /** Waits for a slot; waiting calls get one lowest score first (ties in arrival order), as Inngest's queue does. */
  async function acquire(id: string, limit: number, score: number): Promise<void> {
    const slot = slots.get(id) ?? { active: 0, queue: [] };
    slots.set(id, slot);
    if (slot.active < limit) {
      slot.active++;
      return;
    }
    await new Promise<void>((resolve) => {
      const entry = { score, seq: slotSeq++, resolve };
      let lo = 0;
      let hi = slot.queue.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (slot.queue[mid]!.score <= score) lo = mid + 1;
        else hi = mid;
      }
      slot.queue.splice(lo, 0, entry);
    });
  }
  function release(id: string): void {
    const slot = slots.get(id);
    if (!slot) return;
    const next = slot.queue.shift();
    if (next) next.resolve(); // the slot passes straight to the next waiter
    else if (--slot.active === 0) slots.delete(id);
  }

  // ---- registration -----------------------------------------------------------------------------
  function register(body: unknown): { modified: boolean } {
    const parsed = registerBodySchema.parse(body);
    const json = JSON.stringify(parsed.functions);
    const previous = apps.get(parsed.appName);
    const modified = !previous || previous.json !== json || previous.url !== parsed.url;
    if (!modified) return { modified };
    const functions = new Map<string, Fn>();
    for (const config of parsed.functions) {
      const step = Object.values(config.steps)[0];
      if (!step) throw new Error(`Function ${config.id} has no step runtime`);
      const retries = step.retries?.attempts ?? DEFAULT_RETRIES;
      functions.set(config.id, { id: config.id, uuid: functionUuid(config.id), appId: parsed.appName, url: step.runtime.url, retries, config });
      for (const key of UNSUPPORTED_FLOW_CONTROL) {
        if (config[key] != null) log(`warning: ${config.id} sets ${key}, which the stand-in ignores`);
      }
      checkExpressions(config);
    }
    for (const stop of crons.get(parsed.appName) ?? []) stop();
    apps.set(parsed.appName, { id: parsed.appName, url: parsed.url, functions, json });
    crons.set(
      parsed.appName,
      [...functions.values()].flatMap((fn) =>
        fn.config.triggers.flatMap((t) => ('cron' in t ? [scheduleCron(fn, t.cron)] : [])),
      ),
    );
    log(`registered app ${parsed.appName} (${functions.size} functions) at ${parsed.url}`);
    return { modified };
  }

  function checkExpressions(config: FunctionConfig): void {
    const sources = [
      ...config.triggers.map((t) => ('expression' in t ? t.expression : null)),
      ...(config.cancel ?? []).map((c) => c.if),
      ...concurrencyOptions(config).map((c) => c.key),
      config.throttle?.key,
      config.idempotency,
    ];
    for (const src of sources) {
      if (!src) continue;
      try {
        compileExpression(src);
      } catch (err) {
        log(`warning: ${config.id}: ${(err as Error).message}; it will never match`);
      }
    }
  }

  const concurrencyOptions = (config: FunctionConfig): ConcurrencyOption[] => {
    const c = config.concurrency;
    if (c == null) return [];
    if (typeof c === 'number') return [{ limit: c }];
    return Array.isArray(c) ? c : [c];
  };

  const findFunction = (id: string): Fn | undefined => {
    for (const app of apps.values()) {
      const fn = app.functions.get(id);
      if (fn) return fn;
    }
    return undefined;
  };

  // ---- cron ---------------------------------------------------------------------------------------
  /** Fires on a virtual clock so a time scale of 0.001 turns "every minute" into every 60 ms. */
  function scheduleCron(fn: Fn, spec: string): () => void {
    const tz = /^(?:CRON_)?TZ=(\S+)\s+(.*)$/.exec(spec);
    const cron = new Cron(tz?.[2] ?? spec, { timezone: tz?.[1], paused: true });
    let clock = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const next = () => {
      const at = cron.nextRun(new Date(clock));
      if (!at) return;
      const delay = timeScale === 1 ? at.getTime() - Date.now() : (at.getTime() - clock) * timeScale;
      timer = later(delay, () => {
        clock = at.getTime();
        startRun(fn, scheduledEvent(spec, clock));
        next();
      });
    };
    next();
    return () => (timer && cancelTimer(timer), cron.stop());
  }
  const scheduledEvent = (cron: string, ts: number): InngestEvent => ({
    id: ulid(ts),
    name: 'inngest/scheduled.timer',
    data: { cron },
    ts,
  });

  /** Runs a cron function now, as the dev server's "invoke" button does. */
  function tick(functionId: string): string {
    const fn = findFunction(functionId);
    const trigger = fn?.config.triggers.find((t) => 'cron' in t);
    if (!fn || !trigger || !('cron' in trigger)) throw new Error(`No cron function ${functionId} is registered`);
    return startRun(fn, scheduledEvent(trigger.cron, Date.now())).summary.runId;
  }

  // ---- events -----------------------------------------------------------------------------------
  /** Validates the whole batch first, so a bad event rejects the request and nothing is half-sent. */
  function ingest(payload: unknown): string[] {
    const list = z.array(incomingEventSchema).parse(Array.isArray(payload) ? payload : [payload]);
    return list.map((raw) => {
      const now = Date.now();
      const event: InngestEvent = {
        ...raw,
        id: ulid(now),
        name: raw.name,
        data: raw.data ?? {},
        ts: raw.ts ?? now,
        user: raw.user ?? undefined,
        v: raw.v ?? undefined,
      };
      dispatch(event, raw.id ?? undefined);
      return event.id;
    });
  }

  function dispatch(event: InngestEvent, dedupeId?: string): void {
    recentEvents.push(event);
    if (recentEvents.length > 1000) recentEvents.shift();
    receivedByName.set(event.name, (receivedByName.get(event.name) ?? 0) + 1);
    const now = Date.now();
    if (dedupeId && seenRecently(seenEventIds, dedupeId)) return log(`event ${event.name} id=${dedupeId} deduplicated`);
    for (const waiter of waiters) {
      if (waiter.name === event.name && matches(waiter.expression, { event: waiter.run.summary.event, async: event })) {
        waiter.resolve(event);
      }
    }
    // Only an event some registered function cancels on can cancel a run (most events are not: no walk of every
    // active run for them).
    const cancels = [...apps.values()].some((app) => [...app.functions.values()].some((fn) => fn.config.cancel?.some((c) => c.event === event.name)));
    for (const run of cancels ? active : []) {
      for (const cancel of run.fn.config.cancel ?? []) {
        const expired = cancel.timeout && now > Date.parse(run.summary.startedAt) + delayUntil(cancel.timeout) * timeScale;
        if (cancel.event === event.name && !expired && matches(cancel.if, { event: run.summary.event, async: event })) {
          finish(run, 'Cancelled', {});
        }
      }
    }
    for (const app of apps.values()) {
      for (const fn of app.functions.values()) {
        const hit = fn.config.triggers.some(
          (t) => 'event' in t && nameMatches(t.event, event.name) && matches(t.expression, { event }),
        );
        if (hit && !isDuplicate(fn, event)) startRun(fn, event);
      }
    }
  }

  const nameMatches = (pattern: string, name: string) =>
    pattern === name || (pattern.endsWith('*') && name.startsWith(pattern.slice(0, -1)));

  function isDuplicate(fn: Fn, event: InngestEvent): boolean {
    if (!fn.config.idempotency) return false;
    const key = `${fn.id}:${keyOf(fn.config.idempotency, event)}`;
    const seen = seenRecently(idempotencyKeys, key);
    if (seen) log(`${fn.id}: idempotency key ${key} seen, skipped`);
    return seen;
  }

  /** Records `key` for 24 hours; true if it was already there. */
  function seenRecently(seen: Map<string, number>, key: string): boolean {
    const now = Date.now();
    if ((seen.get(key) ?? 0) > now) return true;
    if (seen.size > 100_000) for (const [k, until] of seen) if (until <= now) seen.delete(k);
    seen.set(key, now + DEDUPE_WINDOW_MS);
    return false;
  }

  /** A concurrency or idempotency key; an expression outside the subset gives one shared key. */
  function keyOf(expression: string, event: InngestEvent): string {
    try {
      return String(compileExpression(expression)({ event }));
    } catch {
      return '';
    }
  }

  // ---- runs -------------------------------------------------------------------------------------
  function startRun(fn: Fn, event: InngestEvent): Run {
    let resolveDone = () => {};
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    const run: Run = {
      summary: {
        runId: ulid(),
        functionId: fn.id,
        appId: fn.appId,
        event,
        status: 'Running',
        attempts: 0,
        steps: [],
        retries: [],
        calls: 0,
        checkpoints: 0,
        startedAt: new Date().toISOString(),
      },
      fn,
      steps: {},
      stack: [],
      disableImmediate: false,
      startedAtMs: Date.now(),
      wokeAtMs: null,
      concurrency: concurrencyOptions(fn.config)
        .filter((c) => c.limit > 0)
        .map((c) => {
          const key = c.key ? keyOf(c.key, event) : '';
          return { id: `${c.scope && c.scope !== 'fn' ? c.scope : fn.id}:${c.key ?? ''}:${key}`, limit: c.limit };
        }),
      dispatches: new Map(),
      abort: new AbortController(),
      done,
      resolveDone,
    };
    runs.set(run.summary.runId, run);
    active.add(run);
    log(`run ${run.summary.runId} ${fn.id} started by ${event.name}`);
    void throttled(run)
      .then(() => drive(run))
      .catch((err: unknown) => finish(run, 'Failed', { error: toSerializedError(err) }));
    return run;
  }

  const running = (run: Run) => run.summary.status === 'Running';

  /**
   * Throttle as Inngest applies it: a generic cell rate algorithm per function and key. Runs start at most one per
   * `period / limit`, with `limit + burst` allowed at once from rest; the rest wait in FIFO order (none dropped).
   * https://www.inngest.com/docs/guides/throttling
   */
  function throttled(run: Run): Promise<void> {
    const throttle = run.fn.config.throttle;
    if (!throttle) return Promise.resolve();
    const id = `${run.fn.id}:${throttle.key ? keyOf(throttle.key, run.summary.event) : ''}`;
    const interval = (delayUntil(throttle.period) * timeScale) / throttle.limit;
    const tolerance = interval * (throttle.limit + (throttle.burst ?? 0) - 1);
    const state = throttles.get(id) ?? { tat: 0, queue: Promise.resolve() };
    throttles.set(id, state);
    const turn = state.queue.then(async () => {
      const now = Date.now();
      const waitMs = Math.max(state.tat, now) - tolerance - now;
      if (waitMs > 0 && running(run)) {
        await blockedOn(run, 'Throttle', new Promise<void>((resolve) => later(waitMs, resolve)));
      }
      if (running(run)) state.tat = Math.max(state.tat, Date.now()) + interval;
    });
    state.queue = turn;
    return turn;
  }

  /** The discovery loop: call with stepId=step until the SDK answers 200 (SDK_SPEC 5). */
  async function drive(run: Run): Promise<void> {
    let item = queueItem();
    for (let attempt = 0; running(run); ) {
      const res = await call(run, 'step', attempt, item);
      if (!res || !running(run)) return;
      if (res.kind === 'complete') return finish(run, 'Completed', { output: res.output });
      if (res.kind === 'ops') {
        // Parallel ops each run to completion before the next discovery, as `Promise.all` waits for all. More than
        // one op sets ForceStepPlan for the rest of the run (executor.go, HandleGeneratorResponse: nonLazy > 1), which
        // the SDK receives as disable_immediate_execution and which also turns its checkpointing off.
        if (res.ops.length > 1) run.disableImmediate = true;
        await Promise.all(res.ops.map((op) => handleOp(run, op, 0, res.retryAfterMs)));
        attempt = 0;
        item = queueItem();
        continue;
      }
      // A checkpoint accepted during this call reset the queue item's attempts (checkpoint.go, checkpointAsyncSteps:
      // `ResetAttemptsByJobID`), so the retry counts from the first again: the run made progress.
      if (item.checkpointed) attempt = 0;
      if (!res.retriable || attempt >= run.fn.retries) return finish(run, 'Failed', { error: res.error });
      await backoff(run, null, attempt++, res.retryAfterMs, res.error);
    }
  }

  async function handleOp(run: Run, op: OutgoingOp, attempt: number, retryAfterMs?: number): Promise<void> {
    switch (op.op) {
      case 'StepRun':
        return memo(run, op, { data: op.data ?? null });
      case 'StepFailed':
        return memo(run, op, { error: toSerializedError(op.error) });
      case 'StepError': {
        const error = toSerializedError(op.error);
        if (attempt >= run.fn.retries) return memo(run, op, { error });
        await backoff(run, op, attempt, retryAfterMs, error);
        return executeStep(run, op, attempt + 1);
      }
      case 'StepPlanned':
        return executeStep(run, op, 0);
      case 'Sleep': {
        const delayMs = delayUntil(op.name ?? String(op.opts?.duration ?? ''));
        await blockedOn(run, `Sleep ${op.displayName ?? op.id}`, wait(run, delayMs));
        return memo(run, op, { data: null }, delayMs);
      }
      case 'WaitForEvent':
        return memo(run, op, { data: await blockedOn(run, `WaitForEvent ${op.name}`, waitForEvent(run, op)) });
      case 'InvokeFunction':
        return memo(run, op, await blockedOn(run, `InvokeFunction ${String(op.opts?.function_id)}`, invoke(run, op)));
      case 'RunComplete':
        return finish(run, 'Completed', { output: op.data ?? null });
      default:
        return finish(run, 'Failed', {
          error: { name: 'Error', message: `Step op "${op.op}" is not supported by the local Inngest stand-in` },
        });
    }
  }

  /** Runs one planned step in its own request, retrying it with its own attempt count. */
  async function executeStep(run: Run, op: OutgoingOp, attempt: number): Promise<void> {
    const res = await call(run, op.id, attempt, queueItem());
    if (!res || !running(run)) return;
    if (res.kind === 'ops') {
      const result = res.ops.find((o) => o.id === op.id) ?? res.ops[0];
      if (result) return handleOp(run, { displayName: op.displayName, ...result }, attempt, res.retryAfterMs);
    }
    if (res.kind === 'complete') return finish(run, 'Completed', { output: res.output });
    const error = res.kind === 'error' ? res.error : { name: 'Error', message: 'Empty step response' };
    if (res.kind === 'error' && (!res.retriable || attempt >= run.fn.retries)) return finish(run, 'Failed', { error });
    await backoff(run, op, attempt, res.retryAfterMs, error);
    return executeStep(run, op, attempt + 1);
  }

  function memo(run: Run, op: OutgoingOp, state: StepState, delayMs?: number, checkpointed?: true): void {
    if (!running(run)) return;
    run.steps[op.id] = state;
    run.stack.push(op.id);
    const name = op.displayName ?? op.name ?? op.id;
    const entry = { id: op.id, name, op: op.op, result: 'data' in state ? ('data' as const) : ('error' as const), delayMs };
    run.summary.steps.push(checkpointed ? { ...entry, checkpointed } : entry);
  }

  /** Exponential backoff (10 s, 20 s, 40 s ... capped at 1 h), or the SDK's Retry-After when given. */
  async function backoff(run: Run, op: OutgoingOp | null, attempt: number, retryAfterMs: number | undefined, error: SerializedError) {
    const delayMs = retryAfterMs ?? Math.min(RETRY_BASE_MS * 2 ** attempt, RETRY_MAX_MS);
    const step = op ? (op.displayName ?? op.name ?? op.id) : null;
    run.summary.retries.push({ step, attempt: attempt + 1, delayMs, error });
    log(`run ${run.summary.runId} ${run.fn.id}${step ? ` step ${step}` : ''}: ${error.message}; retry in ${delayMs} ms`);
    await blockedOn(run, `Retry ${step ?? 'run'}`, wait(run, delayMs));
  }

  async function blockedOn<T>(run: Run, what: string, promise: Promise<T>): Promise<T> {
    run.summary.waiting = what;
    try {
      return await promise;
    } finally {
      if (run.summary.waiting === what) delete run.summary.waiting;
    }
  }

  /** One call request (SDK_SPEC 4.4.1), behind the function's concurrency keys and the worker pool. */
  async function call(run: Run, stepId: string, attempt: number, item: QueueItem): Promise<CallResult | null> {
    // Inngest scores a run's next step by the run's start time, so a busy function finishes older runs before it
    // gets on with newer ones; not a retry (scored by when it is due), nor an item due 2 s or more after it was
    // queued (a sleep). inngest/inngest pkg/execution/queue/item.go, QueueItem.Score and RequiresPromotionJob.
    const score = attempt > 0 ? Date.now() : (run.wokeAtMs ?? run.startedAtMs);
    run.wokeAtMs = null;
    for (const c of run.concurrency) await acquire(c.id, c.limit, score);
    await acquire('workers', options.workers, score);
    try {
      if (!running(run)) return null;
      run.summary.attempts = Math.max(run.summary.attempts, attempt + 1);
      run.summary.calls++;
      const url = new URL(run.fn.url);
      url.searchParams.set('stepId', stepId);
      // This dispatch supersedes any earlier one of the same queue item: a checkpoint from an earlier one is stale.
      item.generation++;
      item.checkpointed = false;
      run.dispatches.set(item.qiId, item);
      const requestId = ulid();
      // The request context as the executor marshals it (pkg/execution/driver/driver.go, MarshalV1 and
      // SDKRequestContext in driver/request.go). `fn_id` and `qi_id` are what let the v4 SDK checkpoint: with both, a
      // discovery call (stepId=step) without disable_immediate_execution runs steps in-process and reports each to
      // POST /v1/checkpoint/{runId}/async (inngest SDK: InngestFunction.shouldAsyncCheckpoint, execution/engine.js).
      const body = {
        event: run.summary.event,
        events: [run.summary.event],
        steps: run.steps,
        ctx: {
          fn_id: run.fn.uuid,
          run_id: run.summary.runId,
          // The function's step (every function has one, "step"), not the hashed step asked for in the URL.
          step_id: 'step',
          attempt,
          max_attempts: run.fn.retries + 1,
          stack: { stack: run.stack, current: run.stack.length },
          qi_id: item.qiId,
          request_id: requestId,
          generation_id: item.generation,
          job_id: item.jobId,
          disable_immediate_execution: run.disableImmediate,
          use_api: false,
        },
        version: 2,
      };
      let res: Dispatcher.ResponseData;
      callsInFlight += 1;
      try {
        const payload = JSON.stringify(body);
        // The headers the executor adds to every call (pkg/execution/driver/httpdriver/httpdriver.go, `do`); the SDK
        // reads the request and generation ids from them and sends them back with its checkpoints.
        const dispatchHeaders = {
          'x-run-id': run.summary.runId,
          'x-request-id': requestId,
          'x-inngest-generation-id': String(item.generation),
          'x-inngest-job-id': item.jobId,
        };
        // undici's request rather than fetch: the same POST at a fraction of the executor's CPU, which the fleet
        // benchmark shares with the app it measures.
        res = await request(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-inngest-server-kind': 'dev', ...dispatchHeaders, ...options.authHeaders?.(payload) },
          body: payload,
          headersTimeout: CALL_TIMEOUT_MS,
          bodyTimeout: CALL_TIMEOUT_MS,
        });
      } catch (err) {
        callEnded();
        const message = `Could not reach the app at ${url.origin}: ${(err as Error).cause ?? (err as Error).message}`;
        return { kind: 'error', retriable: true, error: { name: 'FetchError', message } };
      }
      let text: string;
      try {
        text = await res.body.text().finally(callEnded);
      } catch (err) {
        // The connection broke mid-answer (the app died): as unreachable, retried.
        return { kind: 'error', retriable: true, error: { name: 'FetchError', message: `The app at ${url.origin} broke off its answer: ${(err as Error).message}` } };
      }
      const header = (name: string) => {
        const value = res.headers[name];
        return (Array.isArray(value) ? value[0] : value) ?? null;
      };
      const status = res.statusCode;
      let json: unknown = null;
      try {
        json = text ? JSON.parse(text) : null;
      } catch {
        json = text;
      }
      const retryAfterMs = parseRetryAfter(header('retry-after'));
      if (status === 200) return { kind: 'complete', output: json };
      if (status === 206) {
        const ops = z.array(outgoingOpSchema).safeParse(Array.isArray(json) ? json : [json]);
        if (ops.success && ops.data.length > 0) return { kind: 'ops', ops: ops.data, retryAfterMs };
      }
      if (status === 401) log(`${run.fn.id}: the app refused the call (401); is it in dev mode (INNGEST_DEV)?`);
      const fallback = `HTTP ${status} from the app: ${text.slice(0, 200)}`;
      const error = toSerializedError(typeof json === 'object' ? json : null, fallback);
      return { kind: 'error', error, retriable: header('x-inngest-no-retry') !== 'true', retryAfterMs };
    } finally {
      // The dispatch is over (answered, failed or abandoned): the queue item is no longer leased by it.
      if (run.dispatches.get(item.qiId) === item) run.dispatches.delete(item.qiId);
      // Inngest queues a run's next step before it lets go of the finished one; released a turn later, the run's
      // next call (queued meanwhile, at its run's score) competes for the slot with every call already waiting.
      setImmediate(() => {
        release('workers');
        for (const c of [...run.concurrency].reverse()) release(c.id);
      });
    }
  }

  // ---- checkpointing (SDK v4) ---------------------------------------------------------------------
  /**
   * `POST /v1/checkpoint/{runId}/async`: steps the SDK ran inside a call, reported before it goes on to the next
   * (inngest/inngest pkg/api/apiv1/checkpoint.go `CheckpointAsyncSteps`, which calls pkg/execution/checkpoint/
   * checkpoint.go `checkpointAsyncSteps`). Each `StepRun` is memoised exactly as a step returned in a call's 206 would
   * be, so the next call sends it in `steps` and `stack` and the SDK never runs it again. Answers as the API does:
   * 200 with no body; 400 for a run that is not running (its state is gone once it finished or was cancelled:
   * `ErrRunNotFound` takes the handler's default status), for async ops (Sleep, WaitForEvent, StepError ...: "cannot
   * checkpoint async steps") and for sync ops it does not store (RunComplete, StepFailed: "cannot checkpoint opcode");
   * 409 for a stale dispatch. The SDK retries a failed checkpoint, then answers its call with the steps instead; on a
   * 409 it stops (execution/engine.js, `attemptCheckpointAndResume`).
   */
  function checkpointAsync(runIdInPath: string, payload: unknown): { status: number; error?: string } {
    const input = checkpointAsyncSchema.safeParse(payload);
    if (!input.success) return { status: 400, error: `invalid request body: ${z.prettifyError(input.error)}` };
    const { run_id: runId, fn_id: fnId, qi_id: qiId, generation_id: generationId, steps } = input.data;
    // The handler loads the run by the body's run_id and fn_id (checkpointAsyncSteps: `State.LoadMetadata(input.ID())`).
    const run = runs.get(runId || runIdInPath);
    if (!run || !running(run) || (fnId && fnId !== run.fn.uuid)) return { status: 400, error: 'run not found' };
    if (steps.some((op) => !SYNC_OPCODES.has(op.op))) return { status: 400, error: 'cannot checkpoint async steps' };
    // validateAsyncDispatch: a checkpoint from a dispatch that is no longer the queue item's current one (the item is
    // gone, or was dispatched again since) is stale. Inngest skips the check for a request younger than 10 s (a
    // requeue cannot come sooner there, as the item's lease has not expired) and the dev server only runs it with
    // EXPERIMENTAL_ASYNC_DISPATCH_VALIDATION; the stand-in always checks, as it retries a failed call as soon as its
    // scaled backoff allows and the check costs it nothing.
    const item = qiId ? run.dispatches.get(qiId) : undefined;
    if (qiId && generationId) {
      if (!item) return { status: 409, error: 'stale dispatch: queue item not found' };
      if (item.generation !== generationId) {
        return { status: 409, error: `stale dispatch: dispatch generation ${generationId} does not match queue item generation ${item.generation}` };
      }
    }
    for (const op of steps) {
      switch (op.op) {
        case 'StepRun':
        case 'Step':
          // SaveStep: a step already stored is a duplicate and is ignored.
          if (!(op.id in run.steps)) memo(run, op, { data: op.data ?? null }, undefined, true);
          break;
        case 'StepPlanned':
          break; // Inngest opens a span for it; the stand-in has no traces.
        case 'DeferAdd':
        case 'DeferAbort':
          return { status: 400, error: `Step op "${op.op}" is not supported by the local Inngest stand-in` };
        default:
          return { status: 400, error: `cannot checkpoint opcode: ${op.op}` };
      }
    }
    run.summary.checkpoints++;
    // ResetAttemptsByJobID, only when the ref names a queue item ("ref[0] == \"\" → return nil").
    if (item) item.checkpointed = true;
    return { status: 200 };
  }

  function waitForEvent(run: Run, op: OutgoingOp): Promise<InngestEvent | null> {
    const name = op.name ?? String(op.opts?.event ?? '');
    const timeoutMs = delayUntil(String(op.opts?.timeout ?? '0s'));
    const expression = typeof op.opts?.if === 'string' ? op.opts.if : undefined;
    return new Promise((resolve) => {
      const waiter: Waiter = { run, name, expression, resolve: (event) => settle(event) };
      const timer = later(timeoutMs * timeScale, () => settle(null));
      const onAbort = () => settle(null);
      function settle(event: InngestEvent | null) {
        waiters.delete(waiter);
        cancelTimer(timer);
        run.abort.signal.removeEventListener('abort', onAbort);
        resolve(event);
      }
      run.abort.signal.addEventListener('abort', onAbort);
      waiters.add(waiter);
    });
  }

  async function invoke(run: Run, op: OutgoingOp): Promise<StepState> {
    const functionId = String(op.opts?.function_id ?? '');
    const payload = z.object({ data: z.record(z.string(), z.unknown()).nullish() }).safeParse(op.opts?.payload);
    const target = findFunction(functionId);
    if (!target) return { error: { name: 'Error', message: `Function ${functionId} is not registered` } };
    const now = Date.now();
    const data = (payload.success && payload.data.data) || {};
    const child = startRun(target, { id: ulid(now), name: 'inngest/function.invoked', data, ts: now });
    const timeout = op.opts?.timeout ? delayUntil(String(op.opts.timeout)) : undefined;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([child.done, ...(timeout === undefined ? [] : [new Promise((r) => (timer = later(timeout * timeScale, () => r(null))))])]);
    if (timer) cancelTimer(timer);
    const { status, output, error } = child.summary;
    if (status === 'Completed') return { data: output ?? null };
    if (status === 'Running') return { error: { name: 'InngestInvokeTimeoutError', message: 'Timed out waiting for invoked function to complete' } };
    return { error: error ?? { name: 'Error', message: `Invoked function run was ${status.toLowerCase()}` } };
  }

  function finish(run: Run, status: Exclude<RunStatus, 'Running'>, result: { output?: unknown; error?: SerializedError }) {
    if (!running(run)) return;
    Object.assign(run.summary, { status, endedAt: new Date().toISOString() }, result);
    delete run.summary.waiting;
    run.abort.abort();
    const detail = status === 'Failed' ? `: ${result.error?.name}: ${result.error?.message}` : '';
    log(`run ${run.summary.runId} ${run.fn.id} ${status}${detail}`);
    if (status === 'Failed') {
      // onFailure handlers are functions triggered by this event (SDK: `<fn-id>-failure`).
      const now = Date.now();
      const data = { function_id: run.fn.id, run_id: run.summary.runId, error: result.error, event: run.summary.event };
      dispatch({ id: ulid(now), name: 'inngest/function.failed', data, ts: now });
    }
    active.delete(run);
    run.resolveDone();
    if (runs.size > MAX_FINISHED_RUNS) {
      const oldest = [...runs.values()].find((r) => !running(r));
      if (oldest) runs.delete(oldest.summary.runId);
    }
    if (active.size === 0) for (const resolve of idleWaiters.splice(0)) resolve();
  }

  // ---- inspection -------------------------------------------------------------------------------
  function callEnded(): void {
    callsInFlight -= 1;
    if (callsInFlight === 0) for (const resolve of quietWaiters.splice(0)) resolve();
  }

  /** Resolves once no call to an app is in flight (or after `timeoutMs`): for a test's teardown, before its database goes. */
  function waitForQuiet(timeoutMs = 10_000): Promise<void> {
    if (callsInFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => (clearTimeout(timer), resolve());
      const timer = setTimeout(() => ((quietWaiters = quietWaiters.filter((w) => w !== done)), resolve()), timeoutMs);
      quietWaiters.push(done);
    });
  }

  function waitForIdle(timeoutMs = 30_000): Promise<void> {
    if (active.size === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        idleWaiters = idleWaiters.filter((w) => w !== onIdle);
        const busy = [...active].map((r) => `${r.fn.id} (${r.summary.runId})`).join(', ');
        reject(new Error(`Inngest stand-in not idle after ${timeoutMs} ms; still running: ${busy}`));
      }, timeoutMs);
      const onIdle = () => (clearTimeout(timer), resolve());
      idleWaiters.push(onIdle);
    });
  }

  function close(): void {
    for (const stops of crons.values()) for (const stop of stops) stop();
    crons.clear();
    for (const run of active) finish(run, 'Cancelled', {});
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
  }

  return {
    register,
    checkpointAsync,
    ingest,
    tick,
    waitForIdle,
    waitForQuiet,
    close,
    runs: (): RunSummary[] => [...runs.values()].map((r) => structuredClone(r.summary)),
    run: (id: string): RunSummary | undefined => {
      const run = runs.get(id);
      return run && structuredClone(run.summary);
    },
    events: (): InngestEvent[] => structuredClone(recentEvents),
    received: (): Record<string, number> => Object.fromEntries(receivedByName),
    apps: () =>
      [...apps.values()].map((app) => ({
        id: app.id,
        url: app.url,
        functions: [...app.functions.values()].map((fn) => ({ id: fn.id, name: fn.config.name ?? fn.id, triggers: fn.config.triggers, retries: fn.retries })),
      })),
  };
}

export type Engine = ReturnType<typeof createEngine>;
