/**
 * Runs the sim failover trials of a sweep, on worker threads (both cores of a small machine) or
 * in this thread (`workers: 0`, for tests and one-core machines). Each trial's result depends only
 * on its sweep point and trial number (the trial seed), so the results — sorted by point and
 * trial — are the same for any number of workers. An aborted signal stops the dispatch: the
 * trials already running finish and are returned, the others never start.
 */
import { Worker } from 'node:worker_threads';
import type { BenchScenario } from '../lab/bench/bench-scenarios.ts';
import type { Scenario } from '../scenario/types.ts';
import { parsePointScenario } from './point-scenario.ts';
import { runSimTrial, type TrialResult } from './sim-trial.ts';

/** What every worker gets at start. */
export interface TrialWorkerData {
  /** Each sweep point's generated scenario, by point index. */
  readonly scenarios: readonly BenchScenario[];
  readonly baseSeed: number;
}

/** One trial to run. */
export interface TrialWorkerRequest {
  readonly point: number;
  readonly trial: number;
}

/** A worker's answer. */
export type TrialWorkerReply = { readonly ok: true; readonly result: TrialResult } | { readonly ok: false; readonly point: number; readonly trial: number; readonly message: string };

/** Input of {@link runTrials}. */
export interface RunTrialsInput extends TrialWorkerData {
  /** Trials per point; every point runs trials 0 … trialsPerPoint − 1. */
  readonly trialsPerPoint: number;
  /** Worker threads; 0 runs every trial in this thread. */
  readonly workers: number;
  readonly signal?: AbortSignal;
  /** Called after each trial (progress). */
  readonly onResult?: (result: TrialResult) => void;
}

/** The trials run, sorted by point then trial, and whether the signal cut the sweep short. */
export interface RunTrialsOutput {
  readonly results: TrialResult[];
  readonly interrupted: boolean;
}

/** The trial order: trial-major, so an interrupted sweep has about as many trials at every point. */
export function trialOrder(points: number, trialsPerPoint: number): TrialWorkerRequest[] {
  const order: TrialWorkerRequest[] = [];
  for (let trial = 0; trial < trialsPerPoint; trial += 1) for (let point = 0; point < points; point += 1) order.push({ point, trial });
  return order;
}

/** Runs every trial of every point (see the module comment). @throws Error when a trial fails. */
export async function runTrials(input: RunTrialsInput): Promise<RunTrialsOutput> {
  const queue = trialOrder(input.scenarios.length, input.trialsPerPoint);
  const results = input.workers <= 0 ? await runInThread(input, queue) : await runOnWorkers(input, queue);
  results.sort((a, b) => a.point - b.point || a.trial - b.trial);
  return { results, interrupted: results.length < queue.length };
}

async function runInThread(input: RunTrialsInput, queue: readonly TrialWorkerRequest[]): Promise<TrialResult[]> {
  const parsed = new Map<number, Scenario>();
  const results: TrialResult[] = [];
  for (const { point, trial } of queue) {
    if (input.signal?.aborted === true) break;
    let scenario = parsed.get(point);
    if (scenario === undefined) {
      const generated = input.scenarios[point] as BenchScenario;
      scenario = parsePointScenario(generated, { label: generated.name });
      parsed.set(point, scenario);
    }
    const result = runSimTrial(scenario, point, trial, input.baseSeed);
    results.push(result);
    input.onResult?.(result);
    await new Promise((resolve) => setImmediate(resolve)); // lets SIGINT in
  }
  return results;
}

function runOnWorkers(input: RunTrialsInput, queue: readonly TrialWorkerRequest[]): Promise<TrialResult[]> {
  const workerData: TrialWorkerData = { scenarios: input.scenarios, baseSeed: input.baseSeed };
  const count = Math.max(1, Math.min(input.workers, queue.length));
  const results: TrialResult[] = [];
  let next = 0;
  let running = 0;
  let failed: Error | undefined;
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    const finish = (): void => {
      if (running > 0) return;
      for (const w of workers) void w.terminate();
      if (failed !== undefined) reject(failed);
      else resolve(results);
    };
    const dispatch = (worker: Worker): void => {
      const request = queue[next];
      if (request === undefined || input.signal?.aborted === true || failed !== undefined) return finish();
      next += 1;
      running += 1;
      worker.postMessage(request);
    };
    for (let i = 0; i < count; i += 1) {
      const worker = new Worker(new URL('./trial-worker.ts', import.meta.url), { workerData });
      workers.push(worker);
      worker.on('message', (reply: TrialWorkerReply) => {
        running -= 1;
        if (reply.ok) {
          results.push(reply.result);
          input.onResult?.(reply.result);
        } else failed ??= new Error(`bench trial ${reply.trial} of sweep point ${reply.point}: ${reply.message}`);
        dispatch(worker);
      });
      worker.on('error', (error) => {
        failed ??= new Error(`bench worker ${i}: ${error.message}`);
        running = 0;
        finish();
      });
      dispatch(worker);
    }
  });
}
