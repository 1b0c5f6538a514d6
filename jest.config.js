// TypeScript ES modules straight from src/: workspace packages resolve to their
// sources, so tests never run against a stale build.
/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/packages', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json', 'yaml'],
  moduleNameMapper: {
    '^@dockauth/(ca|cli|profile-d|authz)$': '<rootDir>/packages/$1/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json' }],
    '^.+\\.yaml$': '<rootDir>/test/support/text-transform.cjs',
  },
  testTimeout: 60000,
  // The real-engine files wait on dockerd far more than they compute: two at a time on two cores.
  maxWorkers: 2,
};
