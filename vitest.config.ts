import { defineConfig } from 'vitest/config';

// Unit tests sit beside their source (*.test.ts); integration tests that start real peers (sshd,
// the daemon) live in e2e/integration. Playwright specs (*.spec.ts) are not vitest's.
export default defineConfig({
  test: {
    include: ['src-*/**/*.test.ts', 'src-*/**/*.test.tsx', 'e2e/integration/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
