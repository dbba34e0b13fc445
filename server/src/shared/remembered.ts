/**
 * A pure function of one key that remembers its results, emptied past `limit` keys. For the Intl
 * formats, which cost microseconds a call: matching and its evaluation format the same few dates and
 * amounts hundreds of thousands of times.
 */
export function remembered<K, V>(compute: (key: K) => V, limit = 10_000): (key: K) => V {
  const results = new Map<K, V>();
  return (key) => {
    let value = results.get(key);
    if (value === undefined) {
      if (results.size >= limit) results.clear();
      value = compute(key);
      results.set(key, value);
    }
    return value;
  };
}
