import { compareQuantities, configMapKey, descendingPath, dns1035Label, dns1123Label, envVarName, parseQuantity, portName, qualifiedName, quantity } from '../lib/rules';

const nanos = (s: string | number) => parseQuantity(s)?.nanos;

describe('quantities parse as apimachinery resource.Quantity does', () => {
  test.each([
    ['1Mi', 1048576n * 10n ** 9n], ['1Mi ', 1048576n * 10n ** 9n], [' 500m', 500_000_000n], ['1000u', 1_000_000n], ['e3', 0n],
    ['1.5Gi', 1610612736n * 10n ** 9n], ['1e3', 1000n * 10n ** 9n], ['1E-2', 10_000_000n], ['+2', 2n * 10n ** 9n],
    ['-1Gi', -(1073741824n * 10n ** 9n)], ['0', 0n], ['Gi', 0n], ['.', 0n], ['-', 0n], ['1n', 1n], ['0.1n', 1n],
    [0.5, 500_000_000n], ['2G', 2n * 10n ** 18n],
  ])('%j is %s nano units', (value, expected) => {
    expect(nanos(value)).toBe(expected);
  });

  test.each(['', '10GB', '1gi', '1K', '100 m', '2 cores', '1.5.5', '1/2', '1Ee3', '1e'])('%j is no quantity', value => {
    expect(parseQuantity(value)).toBeUndefined();
    expect(quantity(value)).toMatch(/must be a quantity/);
  });

  test('values compare exactly across suffixes', () => {
    expect(compareQuantities(parseQuantity('1Gi')!, parseQuantity('1024Mi')!)).toBe(0);
    expect(compareQuantities(parseQuantity('1G')!, parseQuantity('1Gi')!)).toBe(-1);
    expect(compareQuantities(parseQuantity('1')!, parseQuantity('999m')!)).toBe(1);
  });
});

describe('name rules', () => {
  test('DNS labels, subdomain-free DNS-1035 labels, qualified names', () => {
    expect(dns1123Label('my-app')).toBeUndefined();
    expect(dns1123Label('My_App')).toMatch(/DNS-1123 label/);
    expect(dns1123Label('a'.repeat(53), 52)).toMatch(/at most 52 characters/);
    expect(dns1035Label('1abc')).toMatch(/starting with a letter/);
    expect(qualifiedName('example.com/Tier_1')).toBeUndefined();
    expect(qualifiedName('Example.com/tier')).toMatch(/prefix/);
    expect(qualifiedName('a/b/c')).toMatch(/qualified name/);
  });

  test('env var names: strict before 1.34, printable ASCII but "=" after', () => {
    expect(envVarName('MY_ENV.NAME-1')).toBeUndefined();
    expect(envVarName('_x')).toBeUndefined();
    expect(envVarName('MY VAR')).toMatch(/letters, digits/);
    expect(envVarName('1VAR')).toMatch(/not start with a digit/);
    expect(envVarName('..x')).toMatch(/'\.\.'/);
    expect(envVarName('MY VAR', true)).toBeUndefined();
    expect(envVarName('A=B', true)).toMatch(/'='/);
  });

  test('port names, config keys, descending paths', () => {
    expect(portName('http')).toBeUndefined();
    expect(portName('8080')).toMatch(/letter/);
    expect(portName('my--port')).toMatch(/--/);
    expect(portName('a-very-long-name')).toMatch(/15/);
    expect(configMapKey('app.conf')).toBeUndefined();
    expect(configMapKey('conf/app.ini')).toMatch(/alphanumerics/);
    expect(configMapKey('k'.repeat(254))).toMatch(/253/);
    expect(descendingPath('..data')).toBeUndefined();
    expect(descendingPath('a/../b')).toMatch(/'\.\.'/);
    expect(descendingPath('/abs')).toMatch(/relative/);
  });
});
