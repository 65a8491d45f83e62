import {Box, Text, useInput} from 'ink';
import {useMemo, useRef, useSyncExternalStore} from 'react';
import type {HostApi} from '../api/host-api.js';
import {Header} from './components/header.js';
import {StatusBar, statusBarHeight} from './components/status-bar.js';
import {Controller} from './controller.js';
import {conversationOf, useConversations} from './hooks/use-conversations.js';
import {useHostSnapshot} from './hooks/use-host-snapshot.js';
import {useLogView} from './hooks/use-log-view.js';
import {useNotices} from './hooks/use-notices.js';
import {useNow} from './hooks/use-now.js';
import {safeHostApi} from './safe-host.js';
import {useTerminalSize, type TerminalSize} from './hooks/use-terminal-size.js';
import {keysFromInput} from './keys.js';
import {keyHint, keysOf, type PaneId} from './keymap.js';
import type {LogFilter} from './log-view.js';
import {isDialog} from './modal.js';
import {ChatOverlay} from './overlays/chat-overlay.js';
import {DetailsOverlay} from './overlays/details-overlay.js';
import {Dialog, dialogHeight} from './overlays/dialog.js';
import {HelpOverlay} from './overlays/help-overlay.js';
import {PairingOverlay} from './overlays/pairing-overlay.js';
import {AccessPane} from './panes/access-pane.js';
import {ContainersPane} from './panes/containers-pane.js';
import {GroupsPane} from './panes/groups-pane.js';
import {LogsPane} from './panes/logs-pane.js';
import type {PaneProps} from './panes/pane-props.js';
import {SkillsPane} from './panes/skills-pane.js';
import {TasksPane} from './panes/tasks-pane.js';
import {initialUiState, type LeaveChoice} from './ui-state.js';

export const minimumSize: TerminalSize = {columns: 60, rows: 15};

const leavingText: Record<LeaveChoice, string> = {
	detach: 'Detaching: the host keeps running…',
	stop: 'Stopping: closing runs and channels…',
	background: 'Handing the host to a background process…',
};

export interface AppProps {
	host: HostApi;
	/** Called once when the operator quits, with how. */
	onQuit: (choice: LeaveChoice) => void;
	/** The pid of the host this UI is attached to (undefined: the host runs in this process). */
	attachedTo?: number;
	/** A fixed size instead of the terminal's (tests). */
	size?: TerminalSize;
	initialPane?: PaneId;
	/** How long a status-bar message stays (default 6 s). */
	noticeLifetimeMs?: number;
}

const listPanes: Record<Exclude<PaneId, 'logs'>, (props: PaneProps) => React.JSX.Element> = {
	groups: GroupsPane,
	containers: ContainersPane,
	tasks: TasksPane,
	access: AccessPane,
	skills: SkillsPane,
};

export function App({host: rawHost, onQuit, attachedTo, size: fixedSize, initialPane, noticeLifetimeMs}: AppProps) {
	const host = useMemo(() => safeHostApi(rawHost), [rawHost]);
	const size = useTerminalSize(fixedSize);
	const snapshot = useHostSnapshot(host);
	const now = useNow();
	const {notice, push} = useNotices(host, noticeLifetimeMs);
	const conversations = useConversations(host);
	const bodyHeight = Math.max(1, size.rows - 1 - statusBarHeight);

	const latest = useRef({snapshot, bodyHeight, push, onQuit, view: undefined as ReturnType<typeof useLogView>['view'] | undefined});
	const controllerRef = useRef<Controller | undefined>(undefined);
	controllerRef.current ??= new Controller(
		{
			host,
			snapshot: () => latest.current.snapshot,
			logView: () => latest.current.view!,
			bodyHeight: () => latest.current.bodyHeight,
			notify: (level, text) => latest.current.push(level, text),
			quit: (choice) => latest.current.onQuit(choice),
			attachedTo,
		},
		initialUiState(initialPane),
	);
	const controller = controllerRef.current;
	const state = useSyncExternalStore(
		(listener) => controller.subscribe(listener),
		() => controller.state,
	);
	const logFilter: LogFilter = useMemo(() => ({minLevel: state.logs.minLevel, text: state.filters.logs}), [state.logs.minLevel, state.filters.logs]);
	const {view, version} = useLogView(host.logs, logFilter);
	latest.current = {snapshot, bodyHeight, push, onQuit, view};

	useInput((input, key) => controller.handleKeys(keysFromInput(input, key)));

	if (size.columns < minimumSize.columns || size.rows < minimumSize.rows) {
		return (
			<Box width={size.columns} height={size.rows}>
				<Text color="yellow">
					{`Terminal too small (${size.columns}x${size.rows}): BabyBot needs at least ${minimumSize.columns}x${minimumSize.rows}. Enlarge the window, or ${keyHint('quit', 'to quit')}.`}
				</Text>
			</Box>
		);
	}

	const {modal, pane} = state;
	const width = size.columns;
	const paneHeight = isDialog(modal) ? bodyHeight - dialogHeight : bodyHeight;
	let body: React.JSX.Element;
	if (state.quitting) body = <Text color="yellow">{leavingText[state.quitting]}</Text>;
	else if (modal?.kind === 'help') body = <HelpOverlay width={width} height={bodyHeight} scroll={modal.scroll} />;
	else if (modal?.kind === 'details') body = <DetailsOverlay title={modal.title} lines={modal.lines} scroll={modal.scroll} width={width} height={bodyHeight} />;
	else if (modal?.kind === 'chat')
		body = (
			<ChatOverlay
				groupFolder={modal.groupFolder}
				assistantName={snapshot.assistantName}
				conversation={conversationOf(conversations, modal.groupFolder)}
				value={modal.value}
				width={width}
				height={bodyHeight}
			/>
		);
	else if (modal?.kind === 'pairing') body = <PairingOverlay state={snapshot.whatsapp} value={modal.value} now={now} width={width} height={bodyHeight} />;
	else {
		let paneView: React.JSX.Element;
		if (pane === 'logs') {
			const newLines = state.logs.follow ? 0 : view.countAfter(state.logs.pausedAfterSeq);
			paneView = (
				<LogsPane
					view={view}
					version={version}
					top={controller.logsTop(view)}
					follow={state.logs.follow}
					newLines={newLines}
					filter={logFilter}
					width={width}
					height={paneHeight}
				/>
			);
		} else {
			const ListPane = listPanes[pane];
			paneView = <ListPane snapshot={snapshot} filter={state.filters[pane]} cursor={state.cursors[pane]} width={width} height={paneHeight} now={now} />;
		}
		body = (
			<Box flexDirection="column">
				{paneView}
				{modal && isDialog(modal) ? <Dialog modal={modal} width={width} /> : null}
			</Box>
		);
	}
	const inputLine =
		modal?.kind === 'command'
			? `:${modal.value}█`
			: modal?.kind === 'filter'
				? `/${modal.value}█  (${keyHint('text.submit', 'keep')} · ${keyHint('text.cancel', 'cancel')})`
				: state.filters[pane]
					? `filter /${state.filters[pane]} (${keysOf('back')} clears)`
					: undefined;

	return (
		<Box flexDirection="column" width={width} height={size.rows}>
			<Header pane={pane} assistantName={snapshot.assistantName} width={width} />
			<Box height={bodyHeight} width={width} flexDirection="column" overflow="hidden">
				{body}
			</Box>
			<StatusBar snapshot={snapshot} attachedTo={attachedTo} pane={pane} notice={notice} inputLine={modal?.kind === 'command' || modal?.kind === 'filter' || !notice ? inputLine : undefined} width={width} now={now} />
		</Box>
	);
}
