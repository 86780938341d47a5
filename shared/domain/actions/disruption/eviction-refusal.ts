/**
 * Turns the eviction API's refusal into one line naming the budget: the apiserver words its
 * DisruptionBudget causes "The disruption budget <name> needs <n> healthy pods and has <m> currently" (or
 * "… is still being processed by the server."), so the name is read from there; any other wording is kept whole.
 */
export const describeBudgetRefusal = (causes: readonly string[], message: string): string => {
  const parsed = causes.map((cause) => /^The disruption budget (\S+) (.+?)\.?$/.exec(cause));
  const named = parsed.flatMap((m) =>
    m?.[1] === undefined || m[2] === undefined ? [] : [`${m[1]}: ${m[2]}`],
  );
  if (named.length > 0 && named.length === causes.length)
    return `blocked by PodDisruptionBudget ${named.join('; ')}`;
  const raw = causes.filter((c) => c !== '').join('; ') || message;
  return `blocked by a PodDisruptionBudget: ${raw}`;
};

/** The budget named by the first cause, for audit details; undefined when the API did not name one. */
export const refusingBudget = (causes: readonly string[]): string | undefined =>
  causes.map((cause) => /^The disruption budget (\S+) /.exec(cause)?.[1]).find((name) => name !== undefined);
