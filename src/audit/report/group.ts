/**
 * Items grouped by key, groups and items in first-seen order: how every report lays
 * findings out by file and by rule. (Map.groupBy does this from Node 21; the package
 * supports Node 20.)
 */
export function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}
