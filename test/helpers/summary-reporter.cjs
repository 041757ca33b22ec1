// Prints the plain closing line "N passed, N failed, N skipped" as the very last line: Jest's own
// summary is written later than reporters run, so the line waits for the process to exit.
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const line = `${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped\n`;
    process.once('exit', () => process.stderr.write(line));
  }
}
module.exports = SummaryReporter;
