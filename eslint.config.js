// Lint rules the compiler does not give (style rule 15): promises that nobody awaits or that are passed
// where a callback is expected, non-exhaustive switches, and the data path's import boundaries.
import tseslint from 'typescript-eslint';

const only = (pkg, where) => ({ name: pkg, message: `only ${where} may import ${pkg} (style rule 5: a port in front of every outside library)` });
const ONOFF = 'device-drivers/gpio/onoff-backend.ts';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'bench-results/**', 'provisioning/bin/**', 'eslint.config.js'] },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.base],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    files: ['gateway/**/*.ts', 'device-drivers/**/*.ts', 'cloud-bridge/**/*.ts'],
    ignores: ['cloud-bridge/db.ts', 'cloud-bridge/uplink.ts', 'gateway/local-broker.ts', ONOFF],
    rules: {
      'no-restricted-imports': ['error', { paths: [only('better-sqlite3', 'cloud-bridge/db.ts'), only('mqtt', 'cloud-bridge/uplink.ts'), only('aedes', 'gateway/local-broker.ts'), only('onoff', ONOFF)] }],
    },
  },
  {
    files: ['provisioning/**/*.ts'],
    ignores: ['provisioning/monitor/archive-db.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [only('better-sqlite3', 'cloud-bridge/db.ts and provisioning/monitor/archive-db.ts'), only('onoff', ONOFF)] }],
    },
  },
  {
    files: ['device-drivers/**/*.ts'],
    ignores: [ONOFF],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/cloud-bridge/**'], message: 'a driver never talks to the township or SQLite (architecture.md)' }], paths: [only('better-sqlite3', 'cloud-bridge/db.ts'), only('mqtt', 'cloud-bridge/uplink.ts'), only('aedes', 'gateway/local-broker.ts'), only('onoff', ONOFF)] }],
    },
  },
);
