// Plain-text tables for people; machines use --json.

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** A long prefix list cut to its first few entries, for tables: `a b c … (+N)`. */
export function abbreviate(items: readonly string[], max = 4): string {
  return items.length > max
    ? `${items.slice(0, max - 1).join(" ")} … (+${items.length - max + 1})`
    : items.join(" ");
}
