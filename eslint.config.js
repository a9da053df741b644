// Lint rules the compiler does not give (style rule 15): promises that nobody awaits or that are passed
// where a callback is expected, non-exhaustive switches, and the data path's import boundaries.
import tseslint from 'typescript-eslint';

// Style rule 5: a port in front of every outside library; each may be imported by its adapter file only.
const LIBS = {
  'better-sqlite3': ['cloud-bridge/db.ts', 'provisioning/township/monitor/archive-db.ts', 'provisioning/township/archive/webhook-queue.ts'],
  pg: ['provisioning/township/archive/pg-store.ts'],
  mqtt: ['cloud-bridge/uplink.ts'],
  aedes: ['gateway/local-broker.ts'],
  // Issue 14: only to switch its number table off at daemon start (shared by aedes and mqtt.js).
  'mqtt-packet': ['gateway/packet-number-cache.ts'],
  onoff: ['device-drivers/gpio/onoff-backend.ts'],
  // Issue 15: node-opcua (+65 MiB client, +125 MiB server) only in the OPC UA child process and the CLI's browse.
  'node-opcua-client': ['device-drivers/opcua/child/endpoint.ts', 'device-drivers/opcua/child/security.ts', 'device-drivers/opcua/child/server.ts', 'provisioning/commands/opcua-browse.ts'],
  'node-opcua-server': ['device-drivers/opcua/child/server.ts'],
  'node-opcua-certificate-manager': ['device-drivers/opcua/child/pki.ts', 'device-drivers/opcua/child/endpoint.ts', 'device-drivers/opcua/child/main.ts', 'provisioning/commands/opcua-browse.ts'],
  'node-opcua-nodesets': ['device-drivers/opcua/child/server.ts'],
  'node-opcua-address-space-base': ['device-drivers/opcua/child/server.ts'],
};
const ADAPTERS = Object.values(LIBS).flat();
// provisioning/ may use mqtt and aedes (the CLI's tools, the demo's township broker); the daemon's layers may not.
const PROVISIONING_FREE = ['mqtt', 'aedes'];

// Issue 9: layer boundaries of the data path. The core rule sees `import type` too (it is the
// typescript-eslint variant that has `allowTypeImports`); test/lint-boundary.test.ts proves it.
const KERNEL = 'gateway/kernel is the leaf kernel: it imports nothing of ours (issue 9)';
const upward = (what) => `layer boundary: ${what} may import gateway/ only from gateway/kernel (issue 9, architecture.md)`;
// A regex, not a gitignore group: a group cannot re-include gateway/kernel once gateway/** is excluded.
const GATEWAY_NOT_KERNEL = '(^|/)gateway/(?!kernel/)';
const LAYERS = [
  { dir: 'gateway/kernel', patterns: [{ regex: '^\\.\\./', message: KERNEL }] },
  {
    dir: 'device-drivers',
    patterns: [
      { regex: GATEWAY_NOT_KERNEL, message: upward('a driver') },
      { group: ['**/cloud-bridge/**'], message: 'layer boundary: a driver never talks to the township or SQLite (architecture.md)' },
    ],
  },
  {
    dir: 'cloud-bridge',
    patterns: [
      { regex: GATEWAY_NOT_KERNEL, message: upward('the cloud bridge') },
      { group: ['**/device-drivers/**'], message: 'layer boundary: the cloud bridge never imports drivers (architecture.md)' },
    ],
  },
  {
    dir: 'provisioning/township',
    patterns: [
      { regex: GATEWAY_NOT_KERNEL, message: upward("the township tools (they run at the township, not in the village daemon)") },
      { group: ['**/device-drivers/**', '**/cloud-bridge/**'], message: "layer boundary: the township tools never import the village daemon's code; share it through gateway/kernel (issue 9)" },
    ],
  },
];

const libPaths = (file, exempt = []) =>
  Object.entries(LIBS)
    .filter(([pkg, where]) => !where.includes(file) && !exempt.includes(pkg))
    .map(([pkg, where]) => ({ name: pkg, message: `only ${where.join(' and ')} may import ${pkg} (style rule 5: a port in front of every outside library)` }));

/** One no-restricted-imports setting per file group (a later flat-config block replaces, not merges, a rule). */
function restrict(files, { patterns = [], ignores = [], file = null, exempt = [] }) {
  return { files, ignores, rules: { 'no-restricted-imports': ['error', { paths: libPaths(file, exempt), patterns }] } };
}

const layerOf = (file) => LAYERS.find((l) => file.startsWith(`${l.dir}/`));
const DAEMON = ['gateway', 'device-drivers', 'cloud-bridge'];

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'bench-results/**', 'provisioning/bin/**', 'eslint.config.js', 'test/lint-fixtures/**'] },
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
  restrict(DAEMON.map((d) => `${d}/**/*.ts`), { ignores: ADAPTERS }),
  restrict(['provisioning/**/*.ts'], { ignores: ADAPTERS, exempt: PROVISIONING_FREE }),
  // Each layer (and its fixtures under test/lint-fixtures/, linted only by test/lint-boundary.test.ts).
  ...LAYERS.map((l) =>
    restrict([`${l.dir}/**/*.ts`, `test/lint-fixtures/${l.dir}/**/*.ts`], { patterns: l.patterns, ignores: ADAPTERS, exempt: l.dir.startsWith('provisioning') ? PROVISIONING_FREE : [] }),
  ),
  // Adapter files: their own library allowed, every other rule of their folder kept.
  ...ADAPTERS.map((file) => restrict([file], { file, patterns: layerOf(file)?.patterns ?? [], exempt: file.startsWith('provisioning') ? PROVISIONING_FREE : [] })),
);
