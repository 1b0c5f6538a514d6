import { InputError, parseJsonDocument } from './index.js';

describe('JSON with error locations', () => {
  test.each([
    ['{"a": 1,}', 'line 1, column 9: expected a property name after \',\', found "}"'],
    ['{\n  "hosts": ["unix://"\n  "tls": true\n}', 'line 3, column 3: expected \',\' or \']\', found "\\""'],
    ['{"a": tru}', 'line 1, column 10: expected "true", found "}"'],
    ['{"a": 1', 'line 1, column 8: expected \',\' or \'}\', found end of file'],
    ['', 'line 1, column 1: expected a value, found end of file'],
    ['{"a": 1} x', 'line 1, column 10: expected end of file, found "x"'],
    ['{"a": "\u0001"}', 'line 1, column 8: expected no control character inside a string'],
  ])('%j', (text, message) => {
    expect(() => parseJsonDocument(text, 'daemon.json')).toThrow(InputError);
    expect(() => parseJsonDocument(text, 'daemon.json')).toThrow(`failed to parse daemon.json: ${message}`);
  });

  test('valid JSON parses as JSON.parse would', () => {
    expect(parseJsonDocument('{"a": [1, "x", null, true], "b": {"c": -1.5e3}}', 'x')).toEqual({ a: [1, 'x', null, true], b: { c: -1500 } });
  });
});
