/** The ledger views' filters as a query string (blank values left out). */
export function query(values: Record<string, string | number>) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (String(v).trim()) params.set(k, String(v).trim());
  return params.toString();
}
