// Renders the App against a FakeHost with ink-testing-library and gives tests keys and frames.
import {render} from 'ink-testing-library';
import {App} from '../../src/ui/app.js';
import type {TerminalSize} from '../../src/ui/hooks/use-terminal-size.js';
import type {PaneId} from '../../src/ui/keymap.js';
import type {LeaveChoice} from '../../src/ui/ui-state.js';
import {FakeHost} from '../support/fake-host.js';

export function stripAnsi(text: string): string {
	return text.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');
}

/** Polls `check` until it passes (it throws or returns false while not yet), or fails after `ms`. */
export async function waitFor(check: () => unknown, describe: () => string = () => '', ms = 3000): Promise<void> {
	const deadline = Date.now() + ms;
	let lastError: unknown;
	while (Date.now() < deadline) {
		try {
			if (check() !== false) return;
		} catch (error) {
			lastError = error;
		}
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
	throw new Error(`condition not met: ${lastError instanceof Error ? lastError.message : 'false'}\n${describe()}`);
}

export interface RenderedApp {
	host: FakeHost;
	/** The last frame without colors. */
	frame(): string;
	/** The last frame with its ANSI codes. */
	rawFrame(): string;
	/** Writes one stdin chunk (several keys may share it, as with fast typing). */
	type(chunk: string): void;
	/** Writes `chunk`, then waits until the frame contains `text`. */
	typeAndWait(chunk: string, text: string): Promise<void>;
	waitForText(text: string): Promise<void>;
	waitForNoText(text: string): Promise<void>;
	waitForMatch(pattern: RegExp): Promise<void>;
	quits: number;
	/** How each quit chose to leave. */
	choices: LeaveChoice[];
	rerender(size: TerminalSize): void;
	unmount(): void;
}

export function renderApp(host = new FakeHost(), options: {size?: TerminalSize; pane?: PaneId; noticeLifetimeMs?: number; attachedTo?: number} = {}): RenderedApp {
	const choices: LeaveChoice[] = [];
	const onQuit = (choice: LeaveChoice) => {
		choices.push(choice);
	};
	const element = (size: TerminalSize) => (
		<App host={host} onQuit={onQuit} attachedTo={options.attachedTo} size={size} initialPane={options.pane} noticeLifetimeMs={options.noticeLifetimeMs} />
	);
	const instance = render(element(options.size ?? {columns: 100, rows: 30}));
	// ink-testing-library's stdout has no `rows`, so Ink would ask `tput` for the size on every frame.
	Object.defineProperty(instance.stdout, 'rows', {value: options.size?.rows ?? 30});
	const frame = () => stripAnsi(instance.lastFrame() ?? '');
	const waitForText = (text: string) => waitFor(() => frame().includes(text), frame);
	return {
		host,
		frame,
		rawFrame: () => instance.lastFrame() ?? '',
		type: (chunk) => instance.stdin.write(chunk),
		async typeAndWait(chunk, text) {
			instance.stdin.write(chunk);
			await waitForText(text);
		},
		waitForText,
		waitForNoText: (text) => waitFor(() => !frame().includes(text), frame),
		waitForMatch: (pattern) => waitFor(() => pattern.test(frame()), frame),
		get quits() {
			return choices.length;
		},
		choices,
		rerender: (size) => instance.rerender(element(size)),
		unmount: () => instance.unmount(),
	};
}
