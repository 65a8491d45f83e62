// The UI's own state (what the operator is looking at), apart from the host's snapshot.
import type {LogLine} from '../api/types.js';
import {paneIds, type PaneId} from './keymap.js';
import type {Modal} from './modal.js';

export interface LogsUiState {
	follow: boolean;
	/** Sequence number of the first line shown while paused. */
	topSeq: number;
	/** Sequence number of the newest log line when the tail was paused (the "N new lines" hint counts later ones). */
	pausedAfterSeq: number;
	minLevel: LogLine['level'];
}

/** How the UI leaves: detach from an attached host, stop the host, or hand the in-process host to a background process. */
export type LeaveChoice = 'detach' | 'stop' | 'background';

export interface UiState {
	pane: PaneId;
	cursors: Record<PaneId, number>;
	filters: Record<PaneId, string>;
	modal: Modal | null;
	logs: LogsUiState;
	/** Set once the operator has chosen to quit. */
	quitting: LeaveChoice | false;
}

const perPane = <T>(value: T) => Object.fromEntries(paneIds.map((id) => [id, value])) as Record<PaneId, T>;

export function initialUiState(pane: PaneId = 'groups'): UiState {
	return {
		pane,
		cursors: perPane(0),
		filters: perPane(''),
		modal: null,
		logs: {follow: true, topSeq: 0, pausedAfterSeq: 0, minLevel: 'trace'},
		quitting: false,
	};
}
