/**
 * A worker thread of the sim failover benchmark: parses each sweep point's scenario once, then
 * runs the trials the main thread sends, one at a time, and posts each {@link TrialResult} back.
 * The trial seed fixes each trial, so which worker runs it does not change its result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Scenario } from '../scenario/types.ts';
import { parsePointScenario } from './point-scenario.ts';
import { runSimTrial } from './sim-trial.ts';
import type { TrialWorkerData, TrialWorkerReply, TrialWorkerRequest } from './trial-pool.ts';

const data = workerData as TrialWorkerData;
const parsed = new Map<number, Scenario>();

function scenarioOf(point: number): Scenario {
  const cached = parsed.get(point);
  if (cached !== undefined) return cached;
  const generated = data.scenarios[point];
  if (generated === undefined) throw new Error(`bench worker: no scenario for sweep point ${point}`);
  const scenario = parsePointScenario(generated, { label: generated.name });
  parsed.set(point, scenario);
  return scenario;
}

parentPort?.on('message', (request: TrialWorkerRequest) => {
  let reply: TrialWorkerReply;
  try {
    reply = { ok: true, result: runSimTrial(scenarioOf(request.point), request.point, request.trial, data.baseSeed) };
  } catch (error) {
    reply = { ok: false, point: request.point, trial: request.trial, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort?.postMessage(reply);
});
