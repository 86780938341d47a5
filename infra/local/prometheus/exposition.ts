// The Prometheus text exposition format (version 0.0.4), for the local exporters: gauges only.

/** metric → serialized label set → value. */
export type Series = Map<string, Map<string, number>>;

/** Renders every series as gauges. */
export function exposition(series: Series): string {
  let text = '';
  for (const [metric, samples] of series) {
    if (samples.size === 0) continue;
    text += `# TYPE ${metric} gauge\n`;
    for (const [labels, value] of samples) text += `${metric}${labels} ${formatValue(value)}\n`;
  }
  return text;
}

/** Sets (or with `undefined`, removes) one sample. */
export function setSample(
  series: Series,
  metric: string,
  labels: Readonly<Record<string, string>>,
  value: number | undefined,
): void {
  if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(metric)) throw new Error(`invalid metric name: ${metric}`);
  const key = seriesKey(labels);
  if (value === undefined) {
    series.get(metric)?.delete(key);
    return;
  }
  const samples = series.get(metric) ?? new Map<string, number>();
  samples.set(key, value);
  series.set(metric, samples);
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/** A label set as the text format writes it: sorted names, values escaped (backslash, quote, newline). */
export function seriesKey(labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels).sort();
  if (names.length === 0) return '';
  const pairs = names.map((name) => {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(name)) throw new Error(`invalid label name: ${name}`);
    const value = (labels[name] ?? '').replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
    return `${name}="${value}"`;
  });
  return `{${pairs.join(',')}}`;
}
