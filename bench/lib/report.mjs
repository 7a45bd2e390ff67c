// Turns the rounds into the table: medians of req/s, p50, p99 and of the per-round ratio to no-auth.

const median = (values) => {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** rows: [{ label, runs: [{ round, rps, p50, p99 }] }]; the ratio is to the baseline's run of the same round. */
export function summarize(rows, baselineLabel) {
  const baseline = rows.find((row) => row.label === baselineLabel);
  return rows.map((row) => ({
    label: row.label,
    rps: median(row.runs.map((r) => r.rps)),
    p50: median(row.runs.map((r) => r.p50)),
    p99: median(row.runs.map((r) => r.p99)),
    ratio: median(row.runs.map((r) => r.rps / (baseline.runs.find((b) => b.round === r.round)?.rps ?? NaN))),
    cpuUs: median(row.runs.map((r) => r.cpuUs)),
    non2xx: row.runs.reduce((sum, r) => sum + r.non2xx + r.errors, 0),
    note: row.note ?? '',
  }));
}

/** Median over the rounds of label a's req/s divided by label b's in the same round. */
export function pairRatio(rows, a, b) {
  const [left, right] = [a, b].map((label) => rows.find((row) => row.label === label));
  if (!left || !right) return NaN;
  return median(left.runs.map((r) => r.rps / (right.runs.find((o) => o.round === r.round)?.rps ?? NaN)));
}

/** A Markdown table (also readable in a terminal). */
export function table(summary) {
  const lines = ['| server | req/s | p50 (ms) | p99 (ms) | vs no-auth | server CPU µs/req |', '| --- | ---: | ---: | ---: | ---: | ---: |'];
  for (const row of summary) {
    const flags = [row.non2xx ? `${row.non2xx} non-2xx/errors` : '', row.note].filter(Boolean).join('; ');
    lines.push(
      `| ${row.label}${flags ? ` (${flags})` : ''} | ${Math.round(row.rps)} | ${row.p50} | ${row.p99} | ${row.ratio.toFixed(2)} | ${Number.isFinite(row.cpuUs) ? Math.round(row.cpuUs) : 'n/a'} |`,
    );
  }
  return lines.join('\n');
}
