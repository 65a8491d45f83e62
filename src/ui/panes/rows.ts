// What each list pane shows, as pure functions of the snapshot (the App uses them to find the selection).
import type {AllowedHostView, AllowedRootView, HostSnapshot, MountRequestView, SkillView, SubagentView, TaskView, WebRequestView} from '../../api/host-api.js';
import type {ChatInfo, ContainerRun, RegisteredGroup} from '../../api/types.js';
import {filterRows} from '../format.js';
import type {PaneId} from '../keymap.js';

/** A registered group, the operator's WhatsApp self-chat (input to main), or a chat seen but not registered. */
export type GroupRow = {kind: 'group'; group: RegisteredGroup} | {kind: 'self'; group: RegisteredGroup; chat: ChatInfo} | {kind: 'chat'; chat: ChatInfo};
export type MountRow = {kind: 'request'; request: MountRequestView} | {kind: 'root'; root: AllowedRootView} | {kind: 'blocked'; pattern: string};
/** A web request waiting for the operator, an allowed host, or an internal host no entry allows yet. */
export type HostRow = {kind: 'hostRequest'; request: WebRequestView} | {kind: 'host'; host: AllowedHostView} | {kind: 'internal'; host: string};
export type AccessRow = MountRow | HostRow;

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

/** A run, or one of its sub-agents (shown under it). */
export type ContainerRow = {kind: 'run'; run: ContainerRun} | {kind: 'subagent'; run: ContainerRun; subagent: SubagentView};

/** A sub-agent's state cell: its state, and why when it did not finish. */
export function subagentState(subagent: SubagentView): string {
	return subagent.error && subagent.state !== 'done' && subagent.state !== 'running' ? `${subagent.state}: ${subagent.error}` : subagent.state;
}

/** Runs, each followed by its sub-agents; a filter keeps a run when it or one of its sub-agents matches. */
export function containerRows(snapshot: HostSnapshot, filter = ''): ContainerRow[] {
	const byRun = new Map<string, SubagentView[]>();
	for (const subagent of snapshot.subagents) byRun.set(subagent.runId, [...(byRun.get(subagent.runId) ?? []), subagent]);
	const runText = (run: ContainerRun) => `${run.groupFolder} ${run.runtime} ${run.containerName} ${run.state}`;
	const subagentText = (subagent: SubagentView) => `${subagent.name} ${subagent.state} ${subagent.lastOutput}`;
	const needle = filter.trim().toLowerCase();
	const matches = (text: string) => !needle || text.toLowerCase().includes(needle);
	return snapshot.runs.flatMap((run): ContainerRow[] => {
		const subagents = byRun.get(run.id) ?? [];
		const runMatches = matches(runText(run));
		const shown = runMatches ? subagents : subagents.filter((subagent) => matches(subagentText(subagent)));
		if (!runMatches && shown.length === 0) return [];
		return [{kind: 'run', run}, ...shown.map((subagent): ContainerRow => ({kind: 'subagent', run, subagent}))];
	});
}

export function taskRows(snapshot: HostSnapshot, filter = ''): TaskView[] {
	return filterRows(snapshot.tasks, filter, (task) => `${task.groupFolder} ${task.prompt} ${task.scheduleValue} ${task.status}`);
}

export interface AccessCells {
	kind: string;
	what: string;
	access: string;
	note: string;
}

/** What the Access pane shows of a row (and what its filter matches). */
export function accessCells(row: AccessRow): AccessCells {
	switch (row.kind) {
		case 'request':
			return {
				kind: 'PENDING',
				what: row.request.realPath ?? `${row.request.hostPath} (unresolved)`,
				access: row.request.readonly ? 'ro' : 'rw',
				note: `${row.request.groupFolder}${row.request.reason ? `: ${row.request.reason}` : ''}`,
			};
		case 'root': {
			const note = [row.root.groups ? `only ${row.root.groups.join(', ')}` : '', row.root.autoApprove ? 'agents: automatic' : '', row.root.description ?? ''];
			return {kind: 'root', what: row.root.path, access: row.root.allowReadWrite ? 'rw' : 'ro', note: note.filter(Boolean).join(' · ')};
		}
		case 'blocked':
			return {kind: 'blocked', what: row.pattern, access: '-', note: ''};
		case 'hostRequest':
			return {kind: 'PENDING', what: row.request.url, access: row.request.url.startsWith('http:') ? 'http' : 'https', note: `${row.request.groupFolder}: web_fetch of ${row.request.host}`};
		case 'host': {
			const note = [row.host.group ?? 'all groups', ...(row.host.internal ? ['internal'] : []), ...(row.host.description ? [row.host.description] : [])];
			return {kind: 'host', what: row.host.host, access: row.host.http ? 'http(s)' : 'https', note: note.join(' · ')};
		}
		case 'internal':
			return {kind: 'internal', what: row.host, access: 'web', note: 'may be private; no group allowed yet'};
	}
}

/** Mounts and web hosts together: pending requests first (they need the operator), then what is allowed, then the blocked patterns. */
export function accessRows(snapshot: HostSnapshot, filter = ''): AccessRow[] {
	const {mounts, web} = snapshot;
	const listed = new Set(web.allowedHosts.map((entry) => entry.host));
	const rows: AccessRow[] = [
		...mounts.requests.filter((request) => request.status === 'pending').map((request): AccessRow => ({kind: 'request', request})),
		...web.requests.filter((request) => request.status === 'pending').map((request): AccessRow => ({kind: 'hostRequest', request})),
		...mounts.allowedRoots.map((root): AccessRow => ({kind: 'root', root})),
		...web.allowedHosts.map((host): AccessRow => ({kind: 'host', host})),
		...web.internalHosts.filter((host) => !listed.has(host)).map((host): AccessRow => ({kind: 'internal', host})),
		...mounts.blockedPatterns.map((pattern): AccessRow => ({kind: 'blocked', pattern})),
	];
	return filterRows(rows, filter, (row) => {
		const cells = accessCells(row);
		return `${cells.what} ${cells.note}`;
	});
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
			return containerRows(snapshot, filter).length;
		case 'tasks':
			return taskRows(snapshot, filter).length;
		case 'access':
			return accessRows(snapshot, filter).length;
		case 'skills':
			return skillRows(snapshot, filter).length;
		case 'logs':
			return 0;
	}
}
