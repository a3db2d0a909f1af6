/**
 * A Chrome trace over a CDP session (run.mjs, list-trace.mjs): starts recording `categories`;
 * the function it returns stops and resolves with every event recorded.
 */
export async function startTrace(cdp, categories) {
  const events = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...e.value));
  const complete = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.start', { transferMode: 'ReportEvents', traceConfig: { recordMode: 'recordAsMuchAsPossible', includedCategories: categories } });
  return async (timeoutMs = 30_000) => {
    await cdp.send('Tracing.end');
    let timer;
    await Promise.race([
      complete,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`the Chrome trace: no answer within ${timeoutMs / 1000} s`)), timeoutMs))),
    ]).finally(() => clearTimeout(timer));
    return events;
  };
}
