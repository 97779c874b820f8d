// Lists kept by key: grouping without copying a list for every item added.

/** Appends `values` to the list under `key`, starting it when there is none. */
export function push<K, V>(map: Map<K, V[]>, key: K, ...values: V[]): void {
  const list = map.get(key);
  if (list) list.push(...values);
  else map.set(key, values);
}
