// runexp runs as the child of a small supervising process (this file, started by bin/runexp.js).
// Plugin code runs on runexp's main thread while a spec loads (a plugin file's top level, a
// fetch), in check-plugin and with --workers 0; code there that keeps the thread busy starves its
// own timers and its signal handlers alike. The supervisor's thread is never busy, so it can
// always act: it forwards SIGINT/SIGTERM/SIGHUP, stops runexp when it does not answer one, and
// stops it when the plugin code it announced (see src/plugin/deadlines.ts) runs past its limit.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** A runexp whose signal handler has not run this long after a signal is stuck in plugin code. */
const ANSWER_SECONDS = 3;
/** Past a deadline, how long runexp may take to fail the stage itself (its own timer, when it gets a turn). */
const GRACE_SECONDS = 3;

/** Runs the CLI (the script `cli`, src/cli/process.js) with `args` in a child process; resolves with the exit code to end with. */
export function supervise(cli, args) {
  // Its own process group: a terminal's Ctrl-C reaches the supervisor alone, which forwards it
  // once (the child would otherwise get it twice and take the second as "quit at once").
  const child = spawn(process.execPath, [...process.execArgv, cli, ...args], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  let running = [];
  let deadlineTimer;
  let answerTimer;
  let signalled = false;
  let stoppedWith;

  const stop = (message, code) => {
    if (stoppedWith !== undefined) return;
    stoppedWith = code;
    process.stderr.write(`\nrunexp: ${message}\n`);
    child.kill('SIGKILL');
  };
  const busyWith = () => {
    const d = running.at(-1);
    return d ? `${describeDeadline(d)} was running` : 'its main thread was busy';
  };

  child.on('message', (message) => {
    if (message?.type === 'answered') clearTimeout(answerTimer);
    if (message?.type !== 'deadlines') return;
    running = message.running;
    clearTimeout(deadlineTimer);
    const first = running.reduce((a, d) => (!a || d.expiresAt < a.expiresAt ? d : a), undefined);
    if (!first) return;
    deadlineTimer = setTimeout(
      () => {
        const culprit = running.at(-1);
        const busy = culprit === first ? 'it kept runexp busy' : `${describeDeadline(culprit)} kept runexp busy`;
        stop(
          `${describeDeadline(first)} did not finish within ${first.seconds} s: ${busy}, so runexp was stopped\n  hint: ${hintFor(first)}`,
          first.stage === 'load' || first.stage === 'fetch' ? 2 : 1,
        );
      },
      Math.max(0, first.expiresAt + GRACE_SECONDS * 1000 - Date.now()),
    );
  });
  for (const signal of SIGNALS) {
    process.on(signal, () => {
      signalled = true;
      child.kill(signal);
      answerTimer ??= setTimeout(
        () =>
          stop(
            `${signal}: runexp did not answer within ${ANSWER_SECONDS} s (${busyWith()}), so it was stopped; finished runs are kept`,
            130,
          ),
        ANSWER_SECONDS * 1000,
      );
    });
  }
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      clearTimeout(deadlineTimer);
      clearTimeout(answerTimer);
      if (stoppedWith !== undefined) return resolve(stoppedWith);
      // Ended by a signal it was sent before its handlers were in place: an interrupt, as always.
      if (signal) return resolve(signalled && SIGNALS.includes(signal) ? 130 : 128 + (constants.signals[signal] ?? 0));
      resolve(code ?? 1);
    });
  });
}

function hintFor({ stage }) {
  if (stage === 'check-plugin') return 'fix the pruner (a loop that never ends?); if it is just slow, raise --timeout (seconds)';
  return `fix the plugin (a loop that never ends?); if it is just slow, raise timeouts.${stage} (seconds) in the spec`;
}

/** What a deadline (src/plugin/deadlines.ts) is for, in words: "the fetch plugin \"csv\"". */
export function describeDeadline({ stage, plugin }) {
  if (stage === 'load') return `the plugin file ${plugin} (its top-level code)`;
  if (stage === 'check-plugin') return `check-plugin of ${plugin}`;
  return `the ${stage} plugin "${plugin}"`;
}
