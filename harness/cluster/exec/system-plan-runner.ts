/**
 * The real {@link PlanRunner}: tools looked up on PATH with `command -v`, steps spawned without a
 * shell (argv as planned) in the repository, stdout and stderr streamed to our stderr (the
 * progress stream) and the last stderr lines kept for the error message.
 */
import { spawn } from 'node:child_process';
import type { PlanRunner } from '../plan/execute-plan.ts';

/** Lines of a failing step's stderr kept for its error message. */
const STDERR_TAIL_BYTES = 4_096;

/** A runner that writes the steps' output through `write`. */
export function systemPlanRunner(write: (text: string) => void): PlanRunner {
  return {
    hasTool: (tool) =>
      new Promise((resolve) => {
        const child = spawn('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
        child.once('error', () => resolve(false));
        child.once('exit', (code) => resolve(code === 0));
      }),
    run: (argv, options) =>
      new Promise((resolve) => {
        const [file = '', ...args] = argv;
        let tail = '';
        const child = spawn(file, args, { cwd: options.cwd, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
        child.stdout.on('data', (chunk: Buffer) => write(chunk.toString('utf8')));
        child.stderr.on('data', (chunk: Buffer) => {
          const text = chunk.toString('utf8');
          write(text);
          tail = (tail + text).slice(-STDERR_TAIL_BYTES);
        });
        child.once('error', (error) => resolve({ code: 127, stderrTail: `${file}: ${error.message}` }));
        child.once('close', (code, signal) => resolve({ code: code ?? (signal === null ? 1 : 128), stderrTail: tail }));
      }),
  };
}
