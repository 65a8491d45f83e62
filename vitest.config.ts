import {defineConfig} from 'vitest/config';

export default defineConfig({
	test: {
		include: ['test/**/*.test.{ts,tsx}'],
		testTimeout: 30_000,
		hookTimeout: 60_000,
		pool: 'forks',
		// Most files wait on processes, containers and tmux rather than the CPU: two at once halves the
		// suite on a 2-core machine (the default there is one).
		maxWorkers: 2,
		reporters: ['default'],
	},
});
