// Benchmark: one frame of the Logs pane holding 100k lines (aim: under 16 ms).
import {Box} from 'ink';
import {render} from 'ink-testing-library';
import {LogStore} from '../src/log-store.js';
import {LogView, noLogFilter, type LogFilter} from '../src/ui/log-view.js';
import {LogsPane} from '../src/ui/panes/logs-pane.js';

export interface FrameTimes {
	p50: number;
	p95: number;
	frames: number;
}

function percentile(sorted: number[], fraction: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

/**
 * Fills a LogStore with `lines` lines, renders the Logs pane once, then times `frames` re-renders while
 * new lines arrive at the tail (follow mode), as the live UI does. `filter` measures a filtered view.
 */
export function measureLogsFrame(lines = 100_000, options: {frames?: number; filter?: LogFilter; width?: number; height?: number} = {}): FrameTimes {
	const {frames = 200, filter = noLogFilter, width = 160, height = 50} = options;
	const store = new LogStore(Math.max(lines, 1));
	const levels = ['debug', 'info', 'info', 'warn', 'error'] as const;
	const push = (i: number) => store.push({time: Date.now(), level: levels[i % levels.length], msg: `message number ${i} from the bench`, fields: `group=g${i % 17} run=r${i % 101}`});
	for (let i = 0; i < lines; i++) push(i);
	const view = new LogView(store, filter);
	const frame = (version: number) => (
		<Box width={width} height={height}>
			<LogsPane view={view} version={version} top={Math.max(0, view.size - (height - 1))} follow newLines={0} filter={filter} width={width} height={height} />
		</Box>
	);
	const instance = render(frame(0));
	// ink-testing-library's stdout has no `rows`, so Ink would ask `tput` for the size on every frame.
	Object.defineProperty(instance.stdout, 'rows', {value: height + 2});
	const times: number[] = [];
	for (let i = 0; i < frames; i++) {
		push(lines + i);
		view.append([store.at(store.size - 1)!]);
		const start = performance.now();
		instance.rerender(frame(i + 1));
		times.push(performance.now() - start);
	}
	instance.unmount();
	times.sort((a, b) => a - b);
	return {p50: percentile(times, 0.5), p95: percentile(times, 0.95), frames};
}
