// The Reassign Partition input's check, without VS Code so that it is tested alone.

/** "2, 0" → [2, 0]; a message for anything else (Kafka refuses duplicates and unknown brokers the same way). */
export function parseReplicaList(text: string, nodeIds: readonly number[]): number[] | string {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) return 'At least one node id';
  const ids = parts.map(Number);
  if (ids.some((n, i) => !Number.isInteger(n) || n < 0 || !/^\d+$/.test(parts[i]))) return 'Node ids are whole numbers, separated by commas';
  if (new Set(ids).size !== ids.length) return 'Each node once';
  const unknown = ids.filter((n) => !nodeIds.includes(n));
  if (unknown.length) return `No node ${unknown.join(', ')} in this cluster (nodes: ${nodeIds.join(', ')})`;
  return ids;
}
