// The token cursor under the redscript check's parser (reds-parse.ts): where it is, what it
// expects, and where problems and uses are recorded. Helpers only; the grammar is the parser's.
import { type Problem, type Token } from './reds-lex.js';

export interface FuncDecl {
  name: string;
  /** The class it belongs to, or the game class an annotation adds it to; null when global. */
  owner: string | null;
  annotation: string | null;
  native: boolean;
  params: number;
  file: string;
  line: number;
}
export interface TypeDecl {
  name: string;
  base: string | null;
  methods: string[];
  file: string;
  line: number;
}
export interface Use {
  kind: 'call' | 'static' | 'method' | 'type';
  name: string;
  /** Arguments passed, for calls. */
  args?: number;
  file: string;
  line: number;
}
export interface Unit {
  funcs: FuncDecl[];
  types: TypeDecl[];
  uses: Use[];
  problems: Problem[];
}

/** Keywords that never name a value, a type or a function. */
export const NOT_VALUES = new Set(['as', 'in', 'new', 'let', 'return', 'if', 'else', 'while', 'for', 'switch', 'case', 'default', 'break', 'continue']);

export class Cursor {
  readonly unit: Unit = { funcs: [], types: [], uses: [], problems: [] };
  protected pos = 0;
  constructor(
    readonly file: string,
    protected readonly toks: Token[],
  ) {}

  protected get t(): Token | undefined {
    return this.toks[this.pos];
  }
  protected at(text: string, ahead = 0): boolean {
    return this.toks[this.pos + ahead]?.text === text;
  }
  protected line(): number {
    return (this.t ?? this.toks.at(-1))?.line ?? 1;
  }
  /** Records a problem; returns true, so `return !this.fail(…)` reads as "failed". */
  protected fail(message: string, line = this.line()): true {
    this.unit.problems.push({ file: this.file, line, message });
    return true;
  }
  protected use(kind: Use['kind'], name: string, line = this.line(), args?: number): void {
    this.unit.uses.push({ kind, name, file: this.file, line, ...(args === undefined ? {} : { args }) });
  }
  protected expect(text: string, what: string): boolean {
    if (this.at(text)) return !!++this.pos;
    this.fail(`expected '${text}' ${what}, found ${this.t ? `'${this.t.text}'` : 'the end of the file'}`);
    return false;
  }
  protected ident(what: string): string | null {
    const t = this.t;
    if (t?.kind === 'ident' && !NOT_VALUES.has(t.text)) return (this.pos++, t.text);
    this.fail(`expected ${what}, found ${t ? `'${t.text}'` : 'the end of the file'}`);
    return null;
  }
  /** Runs one step of a loop; a step stuck on a token after a problem skips it. */
  protected progress(step: () => void): void {
    const at = this.pos;
    step();
    if (this.pos === at) this.pos++;
  }
  /** The tokens from an opening bracket to its match (a problem when it never closes). */
  protected balanced(open: string, close: string): Token[] {
    const start = this.pos;
    let depth = 0;
    do {
      if (this.at(open)) depth++;
      else if (this.at(close)) depth--;
      this.pos++;
    } while (this.t && depth > 0);
    if (depth > 0) this.fail(`unclosed '${open}'`, this.toks[start]?.line);
    return this.toks.slice(start, this.pos);
  }
}
