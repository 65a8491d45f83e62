// Turns keys into UI state changes and host actions. Plain TypeScript: the App renders its state.
import type {HostApi, HostSnapshot} from '../api/host-api.js';
import {clamp, isLive} from './format.js';
import type {KeyName} from './keys.js';
import {bindingFor, nextPane, type ActionName, type PaneId} from './keymap.js';
import {nextLevel, type LogView} from './log-view.js';
import type {Modal} from './modal.js';
import {handleModalKey} from './modal-keys.js';
import {PaneActions} from './pane-actions.js';
import {rowCount} from './panes/rows.js';
import {initialUiState, type LeaveChoice, type UiState} from './ui-state.js';

export interface ControllerDeps {
	host: HostApi;
	snapshot: () => HostSnapshot;
	logView: () => LogView;
	/** Lines of the pane body (page size). */
	bodyHeight: () => number;
	notify: (level: 'info' | 'warn' | 'error', text: string) => void;
	/** The pid of the host this UI is attached to; undefined when the host runs in this process. */
	attachedTo?: number;
	/** Called once, when the operator has chosen to quit and how. */
	quit: (choice: LeaveChoice) => void;
}

export class Controller {
	private current: UiState;
	private readonly listeners = new Set<() => void>();
	readonly actions: PaneActions;

	constructor(
		readonly deps: ControllerDeps,
		initial: UiState = initialUiState(),
	) {
		this.current = initial;
		this.actions = new PaneActions(this);
	}

	get state(): UiState {
		return this.current;
	}

	subscribe(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	update(change: (state: UiState) => UiState): void {
		this.current = change(this.current);
		for (const listener of this.listeners) listener();
	}

	openModal(modal: Modal | null): void {
		this.update((state) => ({...state, modal}));
	}

	/** Runs a host action and reports how it went in the status bar. */
	act(action: () => Promise<unknown>, success: string): void {
		action().then(
			() => this.deps.notify('info', success),
			(error: Error) => this.deps.notify('error', error.message),
		);
	}

	/** Handles keys in order; a batch ("jjj") is several keys. */
	handleKeys(keys: KeyName[]): void {
		for (const key of keys) this.handleKey(key);
	}

	handleKey(key: KeyName): void {
		if (this.current.quitting) return;
		const modal = this.current.modal;
		if (modal) {
			handleModalKey(this, modal, key);
			return;
		}
		const binding = bindingFor(key, this.current.pane);
		if (binding) this.run(binding.action);
	}

	run(action: ActionName): void {
		const {pane} = this.current;
		if (action.startsWith('pane.') && action !== 'pane.next' && action !== 'pane.prev') {
			this.update((state) => ({...state, pane: action.slice(5) as PaneId}));
			return;
		}
		switch (action) {
			case 'pane.next':
			case 'pane.prev':
				this.update((state) => ({...state, pane: nextPane(state.pane, action === 'pane.next' ? 1 : -1)}));
				return;
			case 'cursor.down':
				return this.move(1);
			case 'cursor.up':
				return this.move(-1);
			case 'cursor.pageDown':
				return this.move(this.deps.bodyHeight());
			case 'cursor.pageUp':
				return this.move(-this.deps.bodyHeight());
			case 'cursor.top':
				return this.move(-Infinity);
			case 'cursor.bottom':
				return this.move(Infinity);
			case 'filter':
				return this.openModal({kind: 'filter', value: this.current.filters[pane], previous: this.current.filters[pane]});
			case 'command':
				return this.openModal({kind: 'command', value: ''});
			case 'help':
				return this.openModal({kind: 'help', scroll: 0});
			case 'back':
				if (this.current.filters[pane]) this.setFilter('');
				return;
			case 'pairing':
				return this.openModal({kind: 'pairing', value: ''});
			case 'quit':
				return this.requestQuit();
			case 'logs.follow':
				return this.setFollow(!this.current.logs.follow);
			case 'logs.level':
				this.update((state) => ({...state, logs: {...state.logs, minLevel: nextLevel(state.logs.minLevel)}}));
				return;
			default:
				this.actions.run(action);
		}
	}

	setFilter(value: string): void {
		this.update((state) => ({...state, filters: {...state.filters, [state.pane]: value}, cursors: {...state.cursors, [state.pane]: 0}}));
	}

	/** Attached: detaches at once (the host keeps running). In-process: asks whether to keep the host running. */
	requestQuit(): void {
		if (this.deps.attachedTo !== undefined) return this.quitNow('detach');
		const live = this.deps.snapshot().runs.filter(isLive).length;
		this.openModal({
			kind: 'choice',
			message: 'Quit: keep the host running in the background (WhatsApp and tasks stay on)?',
			scope: 'quit',
			choices: [
				{action: 'quit.background', label: 'keep it running in the background', run: () => this.quitNow('background')},
				{action: 'quit.stop', label: live ? `stop it (closes ${live} live run${live === 1 ? '' : 's'})` : 'stop it', run: () => this.quitNow('stop')},
			],
		});
	}

	/** `:stop`: stops the host (this UI's or the one it is attached to) after asking. */
	requestStop(): void {
		const {attachedTo} = this.deps;
		const live = this.deps.snapshot().runs.filter(isLive).length;
		const runs = live ? ` Its ${live} live run${live === 1 ? '' : 's'} close,` : '';
		this.openModal({
			kind: 'confirm',
			message: `Stop the host${attachedTo !== undefined ? ` (pid ${attachedTo})` : ''}?${runs} WhatsApp goes offline until a host starts again.`,
			onYes: () => this.quitNow('stop'),
		});
	}

	quitNow(choice: LeaveChoice): void {
		this.update((state) => ({...state, modal: null, quitting: choice}));
		this.deps.quit(choice);
	}

	/** Runs a `:` command line. */
	runCommand(line: string): void {
		const [name = '', ...rest] = line.trim().split(/\s+/);
		if (name === 'q' || name === 'quit') return this.requestQuit();
		if (name === 'stop') return this.requestStop();
		if (name === 'pair') return this.openModal({kind: 'pairing', value: ''});
		if (name === 'skill') {
			if (!rest[0]) return this.deps.notify('error', ':skill needs a name: e.g. :skill summarize');
			return this.actions.askSkillGroup(rest[0], rest.slice(1).join(' '));
		}
		if (name === 'help') return this.openModal({kind: 'help', scroll: 0});
		if (name === '') return;
		this.deps.notify('error', `unknown command ":${name}": try :pair, :skill NAME, :stop, :q`);
	}

	/** Index of the first log line shown (follow: the tail). */
	logsTop(view: LogView = this.deps.logView()): number {
		const height = Math.max(1, this.deps.bodyHeight() - 1);
		const last = Math.max(0, view.size - height);
		return this.current.logs.follow ? last : clamp(view.indexOfSeq(this.current.logs.topSeq), 0, last);
	}

	private setFollow(follow: boolean, top?: number): void {
		const view = this.deps.logView();
		const topIndex = top ?? this.logsTop(view);
		this.update((state) => ({
			...state,
			logs: {...state.logs, follow, topSeq: view.at(topIndex)?.seq ?? 0, pausedAfterSeq: follow ? state.logs.pausedAfterSeq : view.storeLastSeq},
		}));
	}

	private move(delta: number): void {
		const {pane} = this.current;
		if (pane === 'logs') return this.scrollLogs(delta);
		const count = rowCount(pane, this.deps.snapshot(), this.current.filters[pane]);
		const target = delta === Infinity ? count - 1 : delta === -Infinity ? 0 : this.current.cursors[pane] + delta;
		this.update((state) => ({...state, cursors: {...state.cursors, [pane]: clamp(target, 0, Math.max(0, count - 1))}}));
	}

	private scrollLogs(delta: number): void {
		if (delta === Infinity) return this.setFollow(true);
		const view = this.deps.logView();
		const height = Math.max(1, this.deps.bodyHeight() - 1);
		const top = delta === -Infinity ? 0 : clamp(this.logsTop(view) + delta, 0, Math.max(0, view.size - height));
		if (this.current.logs.follow && delta > 0) return;
		if (this.current.logs.follow) {
			this.setFollow(false, top);
			return;
		}
		this.update((state) => ({...state, logs: {...state.logs, topSeq: view.at(top)?.seq ?? 0}}));
	}
}
