/**
 * Progress on stderr for long work, only on a terminal: cron and CI logs stay clean.
 * Returns undefined when stderr is not a TTY.
 */
export function progressReporter(label: string): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = -1;
  return (done, total) => {
    const pct = total === 0 ? 100 : Math.floor((done / total) * 100);
    if (pct === last && done !== total) return;
    last = pct;
    process.stderr.write(`\r${label}: ${done}/${total} (${pct}%)${done === total ? '\n' : ''}`);
  };
}
