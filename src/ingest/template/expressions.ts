// The ARM template expression language: a JSON string `[...]` is an expression; `[[...` is a literal that starts
// with `[` (template-expressions#escape-characters). Expressions are function calls with string ('' escapes a
// quote) and integer literals, property access `.name`, and indexing `[expr]`.

export type Expr =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "call"; name: string; args: Expr[] }
  | { kind: "property"; target: Expr; name: string }
  | { kind: "index"; target: Expr; index: Expr };

/** A JSON string as ARM reads it: an expression, or a literal (with a leading `[[` unescaped). */
export type StringForm = { expression: string } | { literal: string };

export function stringForm(s: string): StringForm {
  if (!s.startsWith("[") || !s.endsWith("]")) return { literal: s };
  return s.startsWith("[[") ? { literal: s.slice(1) } : { expression: s.slice(1, -1) };
}

export class ExpressionSyntaxError extends Error {}

type Token =
  | { t: "ident"; v: string }
  | { t: "string"; v: string }
  | { t: "number"; v: number }
  | { t: "punct"; v: "(" | ")" | "[" | "]" | "," | "." }
  | { t: "end" };

function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let v = "";
      i++;
      for (;;) {
        if (i >= text.length) throw new ExpressionSyntaxError("a string literal is not terminated");
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += text[i++];
      }
      out.push({ t: "string", v });
    } else if (/[0-9]/.test(c) || (c === "-" && /[0-9]/.test(text[i + 1] ?? ""))) {
      const m = /^-?[0-9]+/.exec(text.slice(i))!;
      out.push({ t: "number", v: Number(m[0]) });
      i += m[0].length;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][\w$]*/.exec(text.slice(i))!;
      out.push({ t: "ident", v: m[0] });
      i += m[0].length;
    } else if ("()[],.".includes(c)) {
      out.push({ t: "punct", v: c as "(" | ")" | "[" | "]" | "," | "." });
      i++;
    } else {
      throw new ExpressionSyntaxError(`unexpected character '${c}'`);
    }
  }
  out.push({ t: "end" });
  return out;
}

class Parser {
  private at = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.at]!;
  }

  private isPunct(v: string): boolean {
    const t = this.peek();
    return t.t === "punct" && t.v === v;
  }

  private expect(v: string): void {
    if (!this.isPunct(v))
      throw new ExpressionSyntaxError(`expected '${v}' but found ${describe(this.peek())}`);
    this.at++;
  }

  parseAll(): Expr {
    const e = this.expr();
    if (this.peek().t !== "end") throw new ExpressionSyntaxError(`unexpected ${describe(this.peek())}`);
    return e;
  }

  private expr(): Expr {
    let e = this.primary();
    for (;;) {
      if (this.isPunct(".")) {
        this.at++;
        const t = this.peek();
        if (t.t !== "ident") throw new ExpressionSyntaxError(`expected a property name after '.'`);
        this.at++;
        e = { kind: "property", target: e, name: t.v };
      } else if (this.isPunct("[")) {
        this.at++;
        const index = this.expr();
        this.expect("]");
        e = { kind: "index", target: e, index };
      } else {
        return e;
      }
    }
  }

  private primary(): Expr {
    const t = this.peek();
    this.at++;
    if (t.t === "string") return { kind: "string", value: t.v };
    if (t.t === "number") return { kind: "number", value: t.v };
    if (t.t === "ident") {
      let name = t.v;
      // User-defined functions are namespaced: `contoso.uniqueName(...)`.
      while (this.isPunct(".") && this.tokens[this.at + 1]?.t === "ident" && this.isCallAfterName()) {
        name += `.${(this.tokens[this.at + 1] as { v: string }).v}`;
        this.at += 2;
      }
      this.expect("(");
      const args: Expr[] = [];
      if (!this.isPunct(")")) {
        args.push(this.expr());
        while (this.isPunct(",")) {
          this.at++;
          args.push(this.expr());
        }
      }
      this.expect(")");
      return { kind: "call", name, args };
    }
    throw new ExpressionSyntaxError(`unexpected ${describe(t)}`);
  }

  /** `ns.fn(` continues a function name; `fn().prop` does not (the name is followed by `(` first). */
  private isCallAfterName(): boolean {
    const next = this.tokens[this.at + 2];
    return next?.t === "punct" && next.v === "(";
  }
}

function describe(t: Token): string {
  return t.t === "end" ? "the end of the expression" : `'${String(t.v)}'`;
}

const cache = new Map<string, Expr>();

/** Parses the text between the brackets of an expression. Throws ExpressionSyntaxError. */
export function parseExpression(text: string): Expr {
  let e = cache.get(text);
  if (!e) {
    e = new Parser(tokenize(text)).parseAll();
    if (cache.size > 10_000) cache.clear();
    cache.set(text, e);
  }
  return e;
}
