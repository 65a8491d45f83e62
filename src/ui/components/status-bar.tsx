import {Box, Text} from 'ink';
import type {HostSnapshot, OllamaState, WhatsAppState, WhatsAppStopCause} from '../../api/host-api.js';
import {shortTokens} from '../../llm/context-size.js';
import {isLive} from '../format.js';
import {keyLabel} from '../keys.js';
import {hintsFor, keysOf, type PaneId} from '../keymap.js';
import type {Notice} from '../hooks/use-notices.js';

const pairKey = () => keysOf('pairing');

const stoppedLabels: Record<WhatsAppStopCause | 'other', () => string> = {
	replaced: () => `another client took over — press ${pairKey()} to reconnect`,
	forbidden: () => `forbidden (403) — check the phone, then press ${pairKey()}`,
	'pairing-timed-out': () => `pairing timed out — press ${pairKey()} to try again`,
	'pairing-code-failed': () => `no pairing code — press ${pairKey()} to try again`,
	other: () => `stopped — press ${pairKey()} to reconnect`,
};

export function whatsappLabel(state: WhatsAppState): string {
	switch (state.status) {
		case 'off':
			return 'off';
		case 'not-paired':
			return `not paired — press ${pairKey()} to pair`;
		case 'connecting':
			return 'connecting';
		case 'pairing':
			return `pairing (${pairKey()})`;
		case 'paired':
			return state.user ? `paired ${state.user}` : 'paired';
		case 'logged-out':
			return `logged out — press ${pairKey()} to re-pair`;
		case 'stopped':
			return stoppedLabels[state.cause ?? 'other']();
		case 'reconnecting':
			return `reconnecting #${state.attempt}`;
	}
}

/** The model's context in use: the latest prompt of num_ctx, or num_ctx alone before any request. */
export function contextLabel(ollama: OllamaState): string {
	const context = ollama.context;
	if (!context) return '';
	const used = context.lastPromptTokens === undefined ? '' : `${shortTokens(context.lastPromptTokens)}/`;
	return ` · ctx ${used}${shortTokens(context.numCtx)}${context.warning ? ' (too small)' : ''}`;
}

/** Model requests waiting in the host's queue, when any do. */
export function queueLabel(ollama: OllamaState): string {
	const waiting = ollama.queue?.waiting.length ?? 0;
	return waiting > 0 ? ` · ${waiting} waiting` : '';
}

export function statusCounts(snapshot: HostSnapshot, now: number) {
	return {
		groups: snapshot.groups.length,
		live: snapshot.runs.filter(isLive).length,
		pendingMounts: snapshot.mounts.requests.filter((request) => request.status === 'pending').length,
		pendingHosts: snapshot.web.requests.filter((request) => request.status === 'pending').length,
		dueTasks: snapshot.tasks.filter((task) => task.status === 'active' && task.nextRun !== null && Date.parse(task.nextRun) <= now).length,
	};
}

export const statusBarHeight = 3;

export interface StatusBarProps {
	snapshot: HostSnapshot;
	/** The pid of the host the UI is attached to, when it is not in this process. */
	attachedTo?: number;
	pane: PaneId;
	notice?: Notice;
	/** Replaces the hints line (command line, filter being typed). */
	inputLine?: string;
	width: number;
	now: number;
}

export function StatusBar({snapshot, attachedTo, pane, notice, inputLine, width, now}: StatusBarProps) {
	const {ollama, runtime, whatsapp} = snapshot;
	const counts = statusCounts(snapshot, now);
	const ollamaColor = !ollama.reachable || ollama.modelPresent === false || ollama.toolsSupported === false ? 'red' : ollama.context?.warning ? 'yellow' : 'green';
	// The runtime's name promises a sandbox; a failed check says it does not hold.
	const failedChecks = Object.values(snapshot.sandboxChecks).filter((verdict) => verdict.state === 'failed').length;
	const ollamaText = !ollama.reachable
		? 'unreachable'
		: `${ollama.model}${ollama.modelPresent === false ? ' (missing)' : ''}${ollama.toolsSupported === false ? ' no tools' : ollama.toolsSupported ? ' tools' : ''}${contextLabel(ollama)}${queueLabel(ollama)}`;
	const hints = hintsFor(pane)
		.map((binding) => `${keyLabel(binding.keys[0])} ${binding.hint}`)
		.join('  ');
	return (
		<Box flexDirection="column" width={width} height={statusBarHeight}>
			<Text wrap="truncate">
				<Text>WhatsApp </Text>
				<Text color={whatsapp.status === 'paired' ? 'green' : whatsapp.status === 'logged-out' ? 'red' : 'yellow'}>{whatsappLabel(whatsapp)}</Text>
				<Text> │ Ollama </Text>
				<Text color={ollamaColor}>{ollamaText}</Text>
				<Text> │ </Text>
				{runtime.name === 'none' || !runtime.sandboxed ? (
					<Text color="red" bold>
						UNSANDBOXED
					</Text>
				) : failedChecks > 0 ? (
					<Text color="red" bold>{`${runtime.name} (sandbox check FAILED for ${failedChecks} group${failedChecks === 1 ? '' : 's'})`}</Text>
				) : (
					<Text color={runtime.imageStale ? 'yellow' : 'green'}>{runtime.imageStale ? `${runtime.name} (image stale)` : runtime.name}</Text>
				)}
			</Text>
			<Text wrap="truncate">
				<Text>{`${counts.groups} groups · `}</Text>
				<Text color={counts.live > 0 ? 'cyan' : undefined}>{`${counts.live} live`}</Text>
				<Text>{' · '}</Text>
				<Text color={counts.pendingMounts > 0 ? 'yellow' : undefined}>{`${counts.pendingMounts} mounts pending`}</Text>
				<Text>{' · '}</Text>
				<Text color={counts.pendingHosts > 0 ? 'yellow' : undefined}>{`${counts.pendingHosts} hosts pending`}</Text>
				<Text>{' · '}</Text>
				<Text color={counts.dueTasks > 0 ? 'yellow' : undefined}>{`${counts.dueTasks} tasks due`}</Text>
				{attachedTo !== undefined ? <Text color="cyan">{` │ attached to host pid ${attachedTo}`}</Text> : null}
			</Text>
			{inputLine !== undefined ? (
				<Text wrap="truncate" color="cyan">
					{inputLine}
				</Text>
			) : notice ? (
				<Text wrap="truncate" color={notice.level === 'error' ? 'red' : notice.level === 'warn' ? 'yellow' : 'green'}>
					{notice.text}
				</Text>
			) : (
				<Text wrap="truncate" dimColor>
					{hints}
				</Text>
			)}
		</Box>
	);
}
