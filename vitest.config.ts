import os from 'node:os';
import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		pool: 'forks',
		// Most files wait on processes, containers and tmux rather than the CPU: at least two at once
		// (vitest's default, one less than the cores, is one on a 2-core machine, and twice as slow).
		maxWorkers: Math.max(2, os.availableParallelism() - 1),
		reporters: ['default'],
	},
});
