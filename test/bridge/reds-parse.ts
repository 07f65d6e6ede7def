// The parser of the home-grown redscript check: declarations (func, class, struct, enum, fields,
// annotations) in full, statements only as far as structure goes: blocks balance, every simple
// statement ends with `;`, every `func` has a name, typed parameters, a return type and a body
// unless native. Inside expressions it records what the code uses (global calls, Type.Member,
// .method calls, type names) for the cross-file checks in reds-lint.ts. It is not redscript's
// type checker: what only the game's compiler can prove is said in docs/mod.md.
import { lex, type Token } from './reds-lex.js';
import { Cursor, NOT_VALUES, type FuncDecl, type TypeDecl, type Unit } from './reds-cursor.js';

export type { FuncDecl, TypeDecl, Unit, Use } from './reds-cursor.js';

const MODIFIERS = new Set('public private protected static native final abstract cb exec importonly const persistent quest'.split(' '));
const PARAM_MODIFIERS = new Set(['opt', 'out']);
/** A keyword inside a simple statement means the previous one lacks its `;`. */
const STATEMENT_KEYWORDS = new Set(['let', 'return', 'if', 'while', 'for', 'switch', 'func', 'class']);
const ends = (t: Token | undefined): boolean => !!t && (t.kind !== 'punct' ? !NOT_VALUES.has(t.text) : t.text === ')' || t.text === ']');
const starts = (t: Token | undefined): boolean => !!t && t.kind !== 'punct' && !NOT_VALUES.has(t.text);

class Parser extends Cursor {
  #locals = new Set<string>();

  parse(): Unit {
    while (this.t) {
      const before = this.pos;
      if (this.at('}')) this.fail("unmatched '}'");
      else this.#item(null);
      if (this.pos === before) this.pos++; // always progress after a problem
    }
    return this.unit;
  }

  /** A declaration at file or class level; owner is the enclosing class. */
  #item(owner: string | null): void {
    let annotation: string | null = null;
    let target: string | null = owner;
    while (this.at('@')) {
      this.pos++;
      annotation = this.ident('an annotation name');
      if (this.at('(')) {
        const args = this.balanced('(', ')');
        const first = args.find((t) => t.kind === 'ident');
        if (annotation && /Method$|Field$/.test(annotation) && first) {
          target = first.text;
          this.use('type', first.text, first.line);
        }
      }
    }
    const mods = new Set<string>();
    while (this.t && MODIFIERS.has(this.t.text)) mods.add(this.toks[this.pos++]?.text ?? '');
    const kw = this.t?.text;
    if (kw === 'func') this.#func(target, annotation, mods);
    else if (kw === 'class' || kw === 'struct') this.#type();
    else if (kw === 'enum') this.#enum();
    else if (kw === 'let') this.#field(mods);
    else if (kw === 'module' || kw === 'import') this.#path();
    else this.fail(`expected a declaration, found ${this.t ? `'${this.t.text}'` : 'the end of the file'}`);
  }

  #path(): void {
    this.pos++;
    while (this.t && (this.t.kind === 'ident' || this.at('.') || this.at('*'))) this.pos++;
  }

  #typeRef(what: string): boolean {
    const line = this.line();
    const name = this.ident(what);
    if (!name) return false;
    this.use('type', name, line);
    if (!this.at('<')) return true;
    this.pos++;
    do if (!this.#typeRef(`a type argument of ${name}`)) return false;
    while (this.at(',') && ++this.pos);
    return this.expect('>', `closing ${name}<…>`);
  }

  #func(owner: string | null, annotation: string | null, mods: Set<string>): void {
    this.pos++;
    const line = this.line();
    const name = this.ident('a function name after func');
    if (!name) return;
    const decl: FuncDecl = { name, owner, annotation, native: mods.has('native'), params: 0, file: this.file, line };
    this.unit.funcs.push(decl);
    this.#locals = new Set(['this', 'super']);
    if (!this.expect('(', `after func ${name}`)) return;
    while (this.t && !this.at(')')) {
      while (this.t && PARAM_MODIFIERS.has(this.t.text)) this.pos++;
      const p = this.ident(`a parameter name in func ${name}`);
      if (!p) return;
      this.#locals.add(p);
      if (!this.at(':')) return void this.fail(`parameter ${p} of func ${name} has no type`);
      this.pos++;
      if (!this.#typeRef(`the type of parameter ${p} of func ${name}`)) return;
      decl.params++;
      if (!this.at(')') && !this.expect(',', `between the parameters of func ${name}`)) return;
    }
    if (!this.expect(')', `closing the parameters of func ${name}`)) return;
    if (!this.at('->')) return void this.fail(`func ${name} has no return type (write -> Void)`);
    this.pos++;
    if (!this.#typeRef(`the return type of func ${name}`)) return;
    const native = mods.has('native') || mods.has('importonly');
    const usesBefore = this.unit.uses.length;
    this.#body(decl, native);
    // A wrap that never calls the game's own method replaces it for every other mod too.
    const callsWrapped = this.unit.uses.slice(usesBefore).some((u) => u.kind === 'call' && u.name === 'wrappedMethod');
    if (annotation === 'wrapMethod' && !callsWrapped) this.fail(`wrapped ${owner}.${name} never calls wrappedMethod`, line);
    if (annotation !== 'wrapMethod' && callsWrapped) this.fail(`func ${name} calls wrappedMethod but wraps no method`, line);
  }

  #body(decl: FuncDecl, native: boolean): void {
    const { name, line } = decl;
    if (this.at(';')) {
      this.pos++;
      if (!native) this.fail(`func ${name} has no body and is not native`, line);
    } else if (native) {
      this.fail(`native func ${name} has a body`, line);
    } else if (this.at('=')) {
      this.pos++;
      this.#expression([';']);
      this.pos++;
    } else if (this.at('{')) {
      this.#block();
    } else {
      this.fail(`func ${name} has no body`);
    }
  }

  #type(): void {
    this.pos++;
    const line = this.line();
    const name = this.ident('a class or struct name');
    if (!name) return;
    let base: string | null = null;
    if (this.at('extends')) {
      this.pos++;
      base = this.t?.text ?? null;
      this.#typeRef(`the base of ${name}`);
    }
    const decl: TypeDecl = { name, base, methods: [], file: this.file, line };
    this.unit.types.push(decl);
    if (!this.expect('{', `opening ${name}`)) return;
    while (this.t && !this.at('}')) {
      const before = this.unit.funcs.length;
      const at = this.pos;
      this.#item(name);
      for (const f of this.unit.funcs.slice(before)) decl.methods.push(f.name);
      if (this.pos === at) this.pos++;
    }
    this.expect('}', `closing ${name}`);
  }

  #enum(): void {
    this.pos++;
    const name = this.ident('an enum name');
    if (!name) return;
    this.unit.types.push({ name, base: null, methods: [], file: this.file, line: this.line() });
    if (this.at('{')) this.balanced('{', '}');
    else this.fail(`expected '{' opening enum ${name}`);
  }

  #field(mods: Set<string>): void {
    this.pos++;
    const name = this.ident('a field name after let');
    if (mods.has('static')) this.fail(`static field ${name}: redscript has no static fields`);
    if (!name || !this.expect(':', `after field ${name} (fields need a type)`) || !this.#typeRef(`the type of field ${name}`)) return;
    if (this.at('=')) {
      this.pos++;
      this.#expression([';']);
    }
    this.expect(';', `after field ${name}`);
  }

  #block(): void {
    this.expect('{', 'opening a block');
    while (this.t && !this.at('}')) this.progress(() => this.#statement());
    this.expect('}', 'closing a block');
  }

  #statement(): void {
    const kw = this.t?.text;
    if (kw === '{') return this.#block();
    if (kw === 'if' || kw === 'while') {
      this.pos++;
      this.#expression(['{']);
      this.#block();
      if (kw !== 'if' || !this.at('else')) return;
      this.pos++;
      if (this.at('if')) this.#statement();
      else this.#block();
      return;
    }
    if (kw === 'for') {
      this.pos++;
      const v = this.ident('a loop variable');
      if (v) this.#locals.add(v);
      this.expect('in', 'in a for loop');
      this.#expression(['{']);
      return this.#block();
    }
    if (kw === 'switch') return this.#switch();
    if (kw === 'let') {
      this.pos++;
      const v = this.ident('a variable name after let');
      if (!v) return;
      this.#locals.add(v);
      if (this.at(':')) {
        this.pos++;
        if (!this.#typeRef(`the type of ${v}`)) return;
      }
    } else if (kw === 'return' || kw === 'break' || kw === 'continue') {
      this.pos++;
    }
    if (this.#expression([';'])) this.expect(';', 'ending the statement');
  }

  #switch(): void {
    this.pos++;
    this.#expression(['{']);
    this.expect('{', 'opening the switch');
    while (this.t && !this.at('}')) {
      if (this.at('case') || this.at('default')) {
        this.pos++;
        this.#expression([':']);
        this.expect(':', 'after case');
      } else {
        this.progress(() => this.#statement());
      }
    }
    this.expect('}', 'closing the switch');
  }

  /** Tokens up to a terminator at bracket depth 0, recording what they use; stops before it. */
  #expression(stop: string[]): boolean {
    let depth = 0;
    const first = this.pos;
    while (this.t) {
      const t = this.t;
      if (depth === 0 && stop.includes(t.text)) return true;
      const prev = this.toks[this.pos - 1];
      if (this.pos > first && ends(prev) && starts(t) && prev && t.line > prev.line) return !this.fail("missing ';' before this line", t.line);
      if (depth === 0 && (t.text === '{' || t.text === '}' || (t.kind === 'ident' && STATEMENT_KEYWORDS.has(t.text) && this.pos > first)))
        return !this.fail(`missing '${stop[0]}' before '${t.text}'`);
      if (t.text === '(' || t.text === '[') depth++;
      else if (t.text === ')' || t.text === ']') {
        if (--depth < 0) return !this.fail(`unmatched '${t.text}'`);
      } else if (t.kind === 'ident' && this.at('.', -1)) {
        this.#member(t);
      } else if (t.kind === 'ident' && !this.#locals.has(t.text) && !NOT_VALUES.has(t.text)) {
        this.#name(t);
      }
      this.pos++;
    }
    return !this.fail(`the file ends inside an expression (missing '${stop[0]}')`);
  }

  /** How many arguments the call whose '(' is at `open` passes (top-level commas + 1, or 0). */
  #argCount(open: number): number {
    let depth = 0;
    let commas = 0;
    for (let i = open; i < this.toks.length; i++) {
      const text = this.toks[i]?.text;
      if (text === '(' || text === '[') depth++;
      else if (text === ')' || text === ']') {
        if (--depth === 0) return this.toks[open + 1]?.text === ')' ? 0 : commas + 1;
      } else if (text === ',' && depth === 1) commas++;
    }
    return commas + 1;
  }

  /** `.Name(` on a value (not on a type name, which #name recorded as Type.Member): a method call. */
  #member(t: Token): void {
    const owner = this.toks[this.pos - 2];
    const onType = owner?.kind === 'ident' && !this.#locals.has(owner.text) && this.toks[this.pos - 3]?.text !== '.';
    if (this.at('(', 1) && !onType) this.use('method', t.text, t.line, this.#argCount(this.pos + 1));
  }

  /** A name that is not a local: a global call, Type.Member, a type, or a generic call. */
  #name(t: Token): void {
    if (this.toks[this.pos - 1]?.text === 'new' || this.toks[this.pos - 1]?.text === 'as') return this.use('type', t.text, t.line);
    if (this.at('(', 1)) return this.use('call', t.text, t.line, this.#argCount(this.pos + 1));
    if (this.at('.', 1) && this.toks[this.pos + 2]?.kind === 'ident') {
      const args = this.at('(', 3) ? this.#argCount(this.pos + 3) : undefined;
      return this.use('static', `${t.text}.${this.toks[this.pos + 2]?.text}`, t.line, args);
    }
    if (this.at('<', 1) && this.at('>', 3) && this.at('(', 4)) {
      this.use('call', t.text, t.line);
      this.use('type', this.toks[this.pos + 2]?.text ?? '', t.line);
      this.pos += 3; // Cast<T>: on to the '('
      return;
    }
    if (t.text !== 'true' && t.text !== 'false' && t.text !== 'null') this.fail(`'${t.text}' is neither a local, a parameter nor a call`, t.line);
  }
}

/** Parses one .reds file: its declarations, what it uses, and its problems (never throws). */
export function parseReds(file: string, text: string): Unit {
  const { tokens, problems } = lex(file, text);
  const unit = new Parser(file, tokens).parse();
  unit.problems.unshift(...problems);
  return unit;
}
