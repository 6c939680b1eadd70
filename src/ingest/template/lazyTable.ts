// Named values computed on first use, with case-insensitive names (ARM's parameter and variable names ignore
// case) and a cycle check: parameters' defaults and variables may refer to each other in any order.
import { templateError } from "./errors.js";
import type { Json } from "./json.js";

export class LazyTable {
  private readonly done = new Map<string, Json>();
  private readonly active: string[] = [];
  private readonly names = new Map<string, string>();

  constructor(
    private readonly what: "parameter" | "variable",
    names: Iterable<string>,
    private readonly compute: (name: string) => Json,
  ) {
    for (const n of names) this.names.set(n.toLowerCase(), n);
  }

  declared(): string[] {
    return [...this.names.values()];
  }

  /** The declared spelling of a name, or undefined when the template does not declare it. */
  resolve(name: string): string | undefined {
    return this.names.get(name.toLowerCase());
  }

  get(name: string, usePath: string): Json {
    const declared = this.resolve(name);
    if (declared === undefined) {
      throw templateError(usePath, `The template ${this.what} '${name}' is not found.`);
    }
    const key = declared.toLowerCase();
    if (this.done.has(key)) return this.done.get(key)!;
    if (this.active.includes(key)) {
      const chain = [...this.active.slice(this.active.indexOf(key)), key].map((k) => this.names.get(k));
      throw templateError(
        usePath,
        `The template ${this.what} '${declared}' refers to itself: ${chain.join(" → ")}.`,
      );
    }
    this.active.push(key);
    try {
      const v = this.compute(declared);
      this.done.set(key, v);
      return v;
    } finally {
      this.active.pop();
    }
  }
}
