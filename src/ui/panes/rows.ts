// What each list pane shows, as pure functions of the snapshot (the App uses them to find the selection).
import type {AllowedRootView, HostSnapshot, MountRequestView, SkillView, TaskView} from '../../host/host-api.js';
import type {ChatInfo, ContainerRun, RegisteredGroup} from '../../types.js';
import {filterRows} from '../format.js';
import type {PaneId} from '../keymap.js';

/** A registered group, the operator's WhatsApp self-chat (input to main), or a chat seen but not registered. */
export type GroupRow = {kind: 'group'; group: RegisteredGroup} | {kind: 'self'; group: RegisteredGroup; chat: ChatInfo} | {kind: 'chat'; chat: ChatInfo};
export type MountRow = {kind: 'request'; request: MountRequestView} | {kind: 'root'; root: AllowedRootView} | {kind: 'blocked'; pattern: string};

export function groupRows(snapshot: HostSnapshot, filter = ''): GroupRow[] {
	const registered = new Set(snapshot.groups.map((group) => group.jid));
	const main = snapshot.groups.find((group) => group.isMain);
	const selfChat = main && snapshot.selfChatJid ? snapshot.chats.find((chat) => chat.jid === snapshot.selfChatJid && !registered.has(chat.jid)) : undefined;
	const rows: GroupRow[] = [];
	for (const group of snapshot.groups) {
		rows.push({kind: 'group', group});
		if (group === main && selfChat) rows.push({kind: 'self', group, chat: selfChat});
	}
	for (const chat of snapshot.chats) {
		if (!registered.has(chat.jid) && chat.channel !== 'local' && chat !== selfChat) rows.push({kind: 'chat', chat});
	}
	return filterRows(rows, filter, (row) =>
		row.kind === 'chat' ? `${row.chat.name} ${row.chat.jid}` : `${row.group.name} ${row.group.folder} ${row.group.jid}${row.kind === 'self' ? ` ${row.chat.jid} self` : ''}`,
	);
}

export function runRows(snapshot: HostSnapshot, filter = ''): ContainerRun[] {
	return filterRows(snapshot.runs, filter, (run) => `${run.groupFolder} ${run.runtime} ${run.containerName} ${run.state}`);
}

export function taskRows(snapshot: HostSnapshot, filter = ''): TaskView[] {
	return filterRows(snapshot.tasks, filter, (task) => `${task.groupFolder} ${task.prompt} ${task.scheduleValue} ${task.status}`);
}

/** Pending requests first (they need the operator), then the roots and blocked patterns. */
export function mountRows(snapshot: HostSnapshot, filter = ''): MountRow[] {
	const {mounts} = snapshot;
	const rows: MountRow[] = [
		...mounts.requests.filter((request) => request.status === 'pending').map((request): MountRow => ({kind: 'request', request})),
		...mounts.allowedRoots.map((root): MountRow => ({kind: 'root', root})),
		...mounts.blockedPatterns.map((pattern): MountRow => ({kind: 'blocked', pattern})),
	];
	return filterRows(rows, filter, (row) =>
		row.kind === 'request' ? `${row.request.groupFolder} ${row.request.hostPath}` : row.kind === 'root' ? row.root.path : row.pattern,
	);
}

export function skillRows(snapshot: HostSnapshot, filter = ''): SkillView[] {
	return filterRows(snapshot.skills, filter, (skill) => `${skill.name} ${skill.description}`);
}

/** The number of selectable rows of a list pane (the Logs pane counts its own). */
export function rowCount(pane: PaneId, snapshot: HostSnapshot, filter: string): number {
	switch (pane) {
		case 'groups':
			return groupRows(snapshot, filter).length;
		case 'containers':
			return runRows(snapshot, filter).length;
		case 'tasks':
			return taskRows(snapshot, filter).length;
		case 'mounts':
			return mountRows(snapshot, filter).length;
		case 'skills':
			return skillRows(snapshot, filter).length;
		case 'logs':
			return 0;
	}
}
