// A line diff for `policy apply`: what a stored policy becomes, as -/+ lines (longest common subsequence; policy
// documents are tens of lines, so the quadratic table is nothing).

export type DiffLine = { readonly op: ' ' | '-' | '+'; readonly line: string };

export function lineDiff(before: readonly string[], after: readonly string[]): DiffLine[] {
  const n = before.length;
  const m = after.length;
  // lcs[i][j]: length of the longest common subsequence of before[i..] and after[j..].
  const lcs = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      (lcs[i] as number[])[j] =
        before[i] === after[j]
          ? ((lcs[i + 1] as number[])[j + 1] ?? 0) + 1
          : Math.max((lcs[i + 1] as number[])[j] ?? 0, (lcs[i] as number[])[j + 1] ?? 0);
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      out.push({ op: ' ', line: before[i] as string });
      i++;
      j++;
    } else if (
      i < n &&
      (j >= m || ((lcs[i + 1] as number[])[j] ?? 0) >= ((lcs[i] as number[])[j + 1] ?? 0))
    ) {
      // Removals before additions, as diff -u prints them.
      out.push({ op: '-', line: before[i] as string });
      i++;
    } else {
      out.push({ op: '+', line: after[j] as string });
      j++;
    }
  }
  return out;
}

/** Changed lines with one line of context around each change, `…` where unchanged lines are left out. */
export function renderDiff(diff: readonly DiffLine[], indent = '    '): string {
  const changed = (k: number) => diff[k] !== undefined && diff[k]?.op !== ' ';
  const keep = diff.map((_, k) => changed(k) || changed(k - 1) || changed(k + 1));
  const lines: string[] = [];
  let skipped = false;
  diff.forEach((d, k) => {
    if (!keep[k]) {
      if (!skipped) lines.push(`${indent}  …`);
      skipped = true;
      return;
    }
    skipped = false;
    lines.push(`${indent}${d.op} ${d.line}`);
  });
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
