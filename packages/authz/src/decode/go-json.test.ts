import { asBool, asStrSlice, field, foldKey, parseGoJson, stringMap, BodyDecodeError } from './go-json.js';

describe('reading JSON the way Go reads it into dockerd\'s structs', () => {
  const privileged = (text: string): boolean => asBool(field(field(parseGoJson(text), 'HostConfig'), 'Privileged'), 'Privileged');

  test.each([
    ['exact name', '{"HostConfig":{"Privileged":true}}', true],
    ['lower case', '{"hostconfig":{"privileged":true}}', true],
    ['mixed case', '{"HOSTCONFIG":{"PrIvIlEgEd":true}}', true],
    ['null keeps the zero value', '{"HostConfig":{"Privileged":null}}', false],
  ])('%s', (_case, text, expected) => {
    expect(privileged(text)).toBe(expected);
  });

  test('Unicode folding: the long s and the Kelvin sign match s and k, as in Go', () => {
    expect(foldKey('Bind\u017f')).toBe('binds');
    expect(foldKey('\u212Aernel')).toBe('kernel');
    const binds = field(parseGoJson('{"Bind\u017f":["/:/host"]}'), 'Binds');
    expect(binds?.kind).toBe('array');
  });

  test.each([
    ['a repeated key', '{"HostConfig":{"Privileged":false,"Privileged":true}}'],
    ['a repeated key in another case', '{"HostConfig":{"Privileged":true,"privileged":false}}'],
    ['a repeated object, which Go merges', '{"HostConfig":{"Privileged":true},"HostConfig":{}}'],
    ['null after a value, which Go ignores', '{"HostConfig":{"Privileged":true,"Privileged":null}}'],
    ['a repeated map, which Go merges', '{"Labels":{"dockauth.owner":"bob"},"Labels":{}}'],
    ['a repeated key among many', `{${Array.from({ length: 40 }, (_, i) => `"K${i}":1`).join(',')},"k7":2}`],
  ])('refuses %s (Go would decode it differently from any one reading)', (_case, text) => {
    expect(() => parseGoJson(text)).toThrow(/appears twice in one object/);
  });

  test('map keys are case-sensitive; StrSlice accepts a single string', () => {
    const labels = stringMap(field(parseGoJson('{"Labels":{"a":"1","b":"2"}}'), 'Labels'), 'Labels');
    expect([...labels]).toEqual([['a', '1'], ['b', '2']]);
    expect(asStrSlice(field(parseGoJson('{"CapAdd":"SYS_ADMIN"}'), 'CapAdd'), 'CapAdd')).toEqual(['SYS_ADMIN']);
  });

  test.each([
    ['trailing data Go would ignore', '{"Image":"x"} {"HostConfig":{"Privileged":true}}'],
    ['unterminated', '{"HostConfig":{"Privileged":true}'],
    ['a comment', '{/* */"a":1}'],
    ['single quotes', "{'a':1}"],
  ])('refuses %s', (_case, text) => {
    expect(() => parseGoJson(text)).toThrow(BodyDecodeError);
  });

  test('a value of the wrong type is an error (dockerd would refuse the request too)', () => {
    expect(() => privileged('{"HostConfig":{"Privileged":"yes"}}')).toThrow(BodyDecodeError);
    expect(() => privileged('{"HostConfig":{"Privileged":1}}')).toThrow(BodyDecodeError);
  });
});
