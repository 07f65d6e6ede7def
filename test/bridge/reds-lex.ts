// The tokenizer of the home-grown redscript check (reds-lint.test.ts). No redscript compiler runs
// here (it needs the game's compiled script cache), so this reads the subset of redscript our
// .reds use: identifiers, numbers with a type suffix (1u, 2.0), strings, prefixed literals
// (n"name", t"Record.Id", r"res", s"interpolated"), comments, and punctuation.

export interface Token {
  kind: 'ident' | 'number' | 'string' | 'literal' | 'punct';
  text: string;
  line: number;
}

export interface Problem {
  file: string;
  line: number;
  message: string;
}

const TWO_CHAR = ['->', '==', '!=', '<=', '>=', '&&', '||', '+=', '-=', '*=', '/='];
const ONE_CHAR = '{}()[]<>,;:.=+-*/!&|?@%~^';
const LITERAL_PREFIXES = 'ntrs';

/** Tokens of one file; characters redscript cannot start a token with are problems, not throws. */
export function lex(file: string, text: string): { tokens: Token[]; problems: Problem[] } {
  const tokens: Token[] = [];
  const problems: Problem[] = [];
  let line = 1;
  let i = 0;
  const push = (kind: Token['kind'], end: number): void => {
    tokens.push({ kind, text: text.slice(i, end), line });
    i = end;
  };
  // The end of a string whose opening quote is at `from`; -1 when the line ends first.
  const stringEnd = (from: number): number => {
    for (let j = from + 1; j < text.length; j++) {
      if (text[j] === '\\') j++;
      else if (text[j] === '"') return j + 1;
      else if (text[j] === '\n') return -1;
    }
    return -1;
  };
  while (i < text.length) {
    const c = text[i] ?? '';
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (text.startsWith('//', i)) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) {
        problems.push({ file, line, message: 'unterminated /* comment' });
        break;
      }
      line += (text.slice(i, end).match(/\n/g) ?? []).length;
      i = end + 2;
    } else if (c === '"' || (LITERAL_PREFIXES.includes(c) && text[i + 1] === '"')) {
      const end = stringEnd(c === '"' ? i : i + 1);
      if (end < 0) {
        problems.push({ file, line, message: 'unterminated string' });
        i = text.indexOf('\n', i) < 0 ? text.length : text.indexOf('\n', i);
      } else {
        push(c === '"' ? 'string' : 'literal', end);
      }
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?[a-zA-Z]?/.exec(text.slice(i));
      push('number', i + (m?.[0].length ?? 1));
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
      push('ident', i + (m?.[0].length ?? 1));
    } else if (TWO_CHAR.includes(text.slice(i, i + 2))) {
      push('punct', i + 2);
    } else if (ONE_CHAR.includes(c)) {
      push('punct', i + 1);
    } else {
      problems.push({ file, line, message: `unexpected character ${JSON.stringify(c)}` });
      i++;
    }
  }
  return { tokens, problems };
}
