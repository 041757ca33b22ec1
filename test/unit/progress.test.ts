// The live progress line on a terminal: a plugin's log line clears it, prints on a line of its
// own, and the progress line is drawn again after it (they used to run together).
import { Progress } from '../../src/execute/progress.ts';

function terminal() {
  const stream = {
    isTTY: true,
    text: '',
    write(chunk: string) {
      this.text += chunk;
      return true;
    },
  };
  return stream;
}

test('a log line never lands inside the live progress line', () => {
  const stream = terminal();
  const progress = new Progress(2, stream as never, true);
  progress.runFinished('run a', true, '');
  progress.log('lottery: level 2 of 3');
  progress.runFinished('run b', false, 'prune deliberate failure');
  progress.end();
  // Screen lines once carriage returns and clears are applied: what a user sees.
  const lines = stream.text.split('\n').map((l) => l.split('\r\x1b[2K').at(-1));
  expect(lines[0]).toBe('lottery: level 2 of 3');
  expect(lines[1]).toBe('  run b: prune deliberate failure');
  expect(lines[2]).toMatch(/^\[2\/2, 1 failed\] \d+s elapsed, ETA \d+s — run b$/);
  expect(lines[3]).toBe('');
  // Before each log line the live line was cleared, and after it drawn again.
  expect(stream.text).toMatch(/^\r\x1b\[2K\[1\/2\] \d+s elapsed, ETA \d+s — run a\r\x1b\[2Klottery: level 2 of 3\n\[1\/2\] /);
});

test('off a terminal (CI, pipes) every line is plain', () => {
  const stream = terminal();
  const progress = new Progress(1, stream as never, false);
  progress.log('hello');
  progress.runFinished('run a', true, '');
  expect(stream.text).toBe('hello\n[1/1] ok run a \n');
});
