import { InputError } from './errors.js';

/**
 * JSON.parse, with errors that say where: "line 3, column 7: expected ',' or '}'".
 * V8's own messages give a position only sometimes, so on failure a small scanner
 * finds the first offending character.
 */
export function parseJsonDocument(text: string, where: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const { offset, expected } = locateJsonError(text);
    const { line, column } = lineAndColumn(text, offset);
    const found = offset >= text.length ? 'end of file' : JSON.stringify(text[offset]);
    throw new InputError(`failed to parse ${where}: line ${line}, column ${column}: expected ${expected}, found ${found}`, {
      hint: `fix the JSON in ${where} (nothing was changed)`,
    });
  }
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { line, column };
}

class JsonScanError extends Error {
  constructor(
    readonly offset: number,
    readonly expected: string,
  ) {
    super(expected);
  }
}

function locateJsonError(text: string): { offset: number; expected: string } {
  let i = 0;
  const fail = (expected: string): never => {
    throw new JsonScanError(i, expected);
  };
  const space = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i] as string)) i++;
  };
  const literal = (word: string): void => {
    for (const ch of word) {
      if (text[i] !== ch) fail(`"${word}"`);
      i++;
    }
  };
  const string = (): void => {
    if (text[i] !== '"') fail('a string');
    i++;
    while (i < text.length && text[i] !== '"') {
      const code = text.charCodeAt(i);
      if (code < 0x20) fail('no control character inside a string');
      if (text[i] === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail('four hex digits after \\u');
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? 'x')) {
          fail('a valid escape');
        }
      }
      i++;
    }
    if (i >= text.length) fail('a closing \'"\'');
    i++;
  };
  const number = (): void => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!match) fail('a value');
    i += (match as RegExpExecArray)[0].length;
  };
  const value = (): void => {
    space();
    const ch = text[i];
    if (ch === '{') {
      i++;
      space();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        space();
        string();
        space();
        if (text[i] !== ':') fail("':' after a property name");
        i++;
        value();
        space();
        if (text[i] === ',') {
          i++;
          space();
          if (text[i] === '}') fail('a property name after \',\'');
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail("',' or '}'");
      }
    } else if (ch === '[') {
      i++;
      space();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        value();
        space();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail("',' or ']'");
      }
    } else if (ch === '"') {
      string();
    } else if (ch === 't') {
      literal('true');
    } else if (ch === 'f') {
      literal('false');
    } else if (ch === 'n') {
      literal('null');
    } else {
      number();
    }
  };
  try {
    value();
    space();
    if (i < text.length) fail('end of file');
  } catch (error) {
    if (error instanceof JsonScanError) return { offset: error.offset, expected: error.expected };
    throw error;
  }
  // The scanner accepted what JSON.parse refused (should not happen): point at the start.
  return { offset: 0, expected: 'valid JSON' };
}

/** A plain JSON object (not an array or null), or an InputError naming the file. */
export function expectObject(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError(`failed to read ${where}: expected a JSON object at the top level`);
  }
  return value as Record<string, unknown>;
}
