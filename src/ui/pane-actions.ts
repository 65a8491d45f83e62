// The actions on the selected row of a list pane: details, register, kill, approve, trigger, …
import type {HostSnapshot, TaskView} from '../api/host-api.js';
import type {RegisteredGroup} from '../api/types.js';
import type {Controller} from './controller.js';
import {groupLines, hostRequestLines, mountRequestLines, runLines, subagentLines, taskLines} from './detail-lines.js';
import {isLive, misfireText} from './format.js';
import {memoryLines, restoreMemory} from './group-memory.js';
import {keysOf, type ActionName} from './keymap.js';
import type {Modal} from './modal.js';
import {accessRows, containerRows, groupRows, skillRows, taskRows, type ContainerRow} from './panes/rows.js';

const approveChoices = [
	{action: 'approve.ro', mode: 'ro', scope: 'group', label: 'read-only, this group'},
	{action: 'approve.rw', mode: 'rw', scope: 'group', label: 'read-write, this group'},
	{action: 'approve.ro.all', mode: 'ro', scope: 'all', label: 'read-only, all groups'},
	{action: 'approve.rw.all', mode: 'rw', scope: 'all', label: 'read-write, all groups'},
] as const;

const misfireChoices = [['misfire.catchUp', 'catch-up'], ['misfire.once', 'once'], ['misfire.skip', 'skip']] as const;

/** A folder name suggested from a chat name: `Family Chat!` → `family-chat`. */
export function suggestFolder(name: string): string {
	const slug = name
		.toLowerCase()
		.replace(/[^a-z0-9_-]+/g, '-')
		.replace(/^[-_]+|-+$/g, '')
		.slice(0, 64);
	return slug || 'group';
}

export class PaneActions {
	/** What each row action does; the keymap decides which key and pane reach it. */
	private readonly actions: Partial<Record<ActionName, () => void>> = {
		details: () => this.details(),
		chat: () => this.openChat(),
		'group.register': () => this.registerChat(),
		'group.unregister': () => this.unregisterGroup(),
		'group.restoreMemory': () => this.restoreGroupMemory(),
		'run.kill': () => this.killSelected(),
		'task.toggle': () => this.withTask((task) => this.toggleTask(task)),
		'task.runNow': () => this.withTask((task) => this.act(() => this.host.runTaskNow(task.id), `task ${task.id} queued to run now`)),
		'task.delete': () => this.withTask((task) => this.open({kind: 'confirm', message: `Delete task ${task.id} (${task.prompt.slice(0, 40)})?`, onYes: () => this.act(() => this.host.deleteTask(task.id), `deleted task ${task.id}`)})),
		'task.misfire': () => this.withTask((task) => this.chooseMisfire(task)),
		'access.approve': () => this.decideAccess(true),
		'access.reject': () => this.decideAccess(false),
		'skill.trigger': () => this.triggerSkill(),
	};

	constructor(private readonly controller: Controller) {}

	run(action: ActionName): void {
		this.actions[action]?.();
	}

	private get snapshot(): HostSnapshot {
		return this.controller.deps.snapshot();
	}

	private get host() {
		return this.controller.deps.host;
	}

	private selected<Row>(rows: (snapshot: HostSnapshot, filter: string) => Row[]): Row | undefined {
		const {pane, filters, cursors} = this.controller.state;
		return rows(this.snapshot, filters[pane])[cursors[pane]];
	}

	private notify(level: 'info' | 'warn' | 'error', text: string): void {
		this.controller.deps.notify(level, text);
	}

	private open(modal: Modal): void {
		this.controller.openModal(modal);
	}

	private act(work: () => Promise<unknown>, done: string): void {
		this.controller.act(work, done);
	}

	/** The group the chat key opens: the selected one on the Groups pane, main elsewhere. */
	chatGroup(): RegisteredGroup | undefined {
		if (this.controller.state.pane === 'groups') {
			const row = this.selected(groupRows);
			if (row?.kind === 'group' || row?.kind === 'self') return row.group;
			if (row?.kind === 'chat') return undefined;
		}
		return this.snapshot.groups.find((group) => group.isMain) ?? this.snapshot.groups[0];
	}

	private openChat(): void {
		const group = this.chatGroup();
		if (!group) return this.notify('warn', this.controller.state.pane === 'groups' ? `this chat is not registered: press ${keysOf('group.register')} to register it first` : 'no group registered yet');
		this.open({kind: 'chat', groupFolder: group.folder, value: ''});
	}

	private registerChat(): void {
		const row = this.selected(groupRows);
		if (row?.kind === 'self') return this.notify('warn', `your WhatsApp self-chat already counts as input to ${row.group.folder}`);
		if (row?.kind !== 'chat') return this.notify('warn', 'select a chat marked "(not registered)" to register it');
		const {chat} = row;
		const name = chat.name || chat.jid;
		const assistant = this.snapshot.assistantName;
		this.open({
			kind: 'prompt',
			label: `Folder for "${name}":`,
			value: suggestFolder(name),
			onSubmit: (folder) =>
				this.open({
					kind: 'choice',
					message: `Register ${name} as ${folder}: when should ${assistant} answer?`,
					scope: 'register',
					choices: [true, false].map((requiresTrigger) => ({
						action: requiresTrigger ? 'register.trigger' : 'register.every',
						label: requiresTrigger ? `only after @${assistant}` : 'every message',
						run: () => this.act(() => this.host.registerGroup({jid: chat.jid, name, folder, requiresTrigger}), `registered ${folder}`),
					})),
				}),
		});
	}

	private unregisterGroup(): void {
		const row = this.selected(groupRows);
		if (row?.kind === 'self') return this.notify('warn', `your WhatsApp self-chat belongs to ${row.group.folder}: it cannot be unregistered`);
		if (row?.kind !== 'group') return this.notify('warn', 'select a registered group to unregister it');
		const {group} = row;
		this.open({
			kind: 'confirm',
			message: `Unregister ${group.name} (${group.folder})${group.isMain ? ', the MAIN group' : ''}? Its folder stays on disk.`,
			onYes: () => this.act(() => this.host.unregisterGroup(group.folder), `unregistered ${group.folder}`),
		});
	}

	private restoreGroupMemory(): void {
		const row = this.selected(groupRows);
		if (row?.kind !== 'group' && row?.kind !== 'self') return this.notify('warn', 'select a registered group to restore its memory');
		restoreMemory(this.controller, row.group);
	}

	private killSelected(): void {
		const row = this.selected(containerRows);
		if (!row) return this.notify('warn', 'no run selected');
		if (row.kind === 'subagent') return this.killSubagent(row);
		const {run} = row;
		if (!isLive(run)) return this.notify('warn', `run ${run.containerName} has already ended`);
		this.open({kind: 'confirm', message: `Kill run ${run.containerName} of ${run.groupFolder}?`, onYes: () => this.act(() => this.host.killRun(run.id), `killed ${run.containerName}`)});
	}

	/** Asks, then stops one sub-agent; its run and the other sub-agents carry on. */
	private killSubagent({run, subagent}: Extract<ContainerRow, {kind: 'subagent'}>): void {
		if (subagent.state !== 'running') return this.notify('warn', `sub-agent ${subagent.name} has already ended (${subagent.state})`);
		this.open({
			kind: 'confirm',
			message: `Kill sub-agent ${subagent.name} of run ${run.containerName}? The run and its other sub-agents go on.`,
			onYes: () => this.act(() => this.host.killSubagent(run.id, subagent.id), `killed sub-agent ${subagent.name}`),
		});
	}

	private withTask(act: (task: TaskView) => void): void {
		const task = this.selected(taskRows);
		if (!task) return this.notify('warn', 'no task selected');
		act(task);
	}

	private toggleTask(task: TaskView): void {
		if (task.status === 'completed') return this.notify('warn', 'this task has completed: nothing to pause');
		if (task.status === 'paused') return this.act(() => this.host.resumeTask(task.id), `resumed task ${task.id}`);
		this.act(() => this.host.pauseTask(task.id), `paused task ${task.id}`);
	}

	private chooseMisfire(task: TaskView): void {
		this.open({
			kind: 'choice',
			message: `Runs of ${task.id} missed while the host was down (now ${task.misfire}):`,
			scope: 'misfire',
			choices: misfireChoices.map(([action, misfire]) => ({
				action,
				label: misfire,
				run: () => this.act(() => this.host.setTaskMisfire(task.id, misfire), `task ${task.id}: misfire ${misfire} (${misfireText[misfire]})`),
			})),
		});
	}

	/** Approves (asking how) or rejects the selected mount or web request. */
	private decideAccess(approve: boolean): void {
		const row = this.selected(accessRows);
		if (row?.kind === 'hostRequest') return this.decideHost(row.request, approve);
		if (row?.kind !== 'request') return this.notify('warn', 'select a PENDING request to approve or reject it');
		const {request} = row;
		if (!approve) return this.act(() => this.host.rejectMount(request.id), `rejected ${request.hostPath}`);
		if (!request.realPath) return this.notify('warn', `${request.hostPath} did not resolve when it was asked: it can only be rejected`);
		const shown = request.realPath;
		this.open({
			kind: 'choice',
			message: `Allow ${shown}${shown !== request.hostPath ? ` (asked as ${request.hostPath})` : ''} for ${request.groupFolder} as:`,
			scope: 'approve',
			choices: approveChoices.map(({action, mode, scope, label}) => ({
				action,
				label,
				run: () => this.act(() => this.host.approveMount(request.id, mode, scope), `approved ${shown} (${mode}, ${scope === 'all' ? 'all groups' : request.groupFolder})`),
			})),
		});
	}

	/** Rejects a waiting web request, or asks how far to allow it: once, its group, all groups. */
	private decideHost(request: HostSnapshot['web']['requests'][number], approve: boolean): void {
		if (!approve) return this.act(() => this.host.rejectHost(request.id), `rejected ${request.host} for ${request.groupFolder}`);
		const plain = request.url.startsWith('http:') ? ' (plain http)' : '';
		const scopes = [
			{scope: 'once', action: 'approveHost.once', label: 'this fetch once', done: `allowed one fetch of ${request.host}`},
			{scope: 'group', action: 'approveHost.group', label: `${request.groupFolder} always`, done: `allowed ${request.host} for ${request.groupFolder}`},
			{scope: 'all', action: 'approveHost.all', label: 'all groups', done: `allowed ${request.host} for all groups`},
		] as const;
		this.open({
			kind: 'choice',
			message: `Allow ${request.groupFolder} to read ${request.host}${plain}?`,
			scope: 'approveHost',
			choices: scopes.map(({scope, action, label, done}) => ({action, label, run: () => this.act(() => this.host.approveHost(request.id, scope), done)})),
		});
	}

	private triggerSkill(): void {
		const skill = this.selected(skillRows);
		if (!skill) return this.notify('warn', 'no skill selected');
		if (skill.broken) return this.notify('error', `skill ${skill.name} is broken: ${skill.broken}`);
		this.askSkillGroup(skill.name, '');
	}

	/** Asks which group runs skill `name`, then its arguments, then triggers it. */
	askSkillGroup(name: string, args: string): void {
		const main = this.snapshot.groups.find((group) => group.isMain)?.folder ?? this.snapshot.groups[0]?.folder ?? '';
		const trigger = (folder: string, skillArgs: string) => this.act(() => this.host.triggerSkill(folder, name, skillArgs), `/${name} sent to ${folder}`);
		this.open({
			kind: 'prompt',
			label: `Run /${name} in group (folder):`,
			value: main,
			onSubmit: (folder) => {
				if (!this.snapshot.groups.some((group) => group.folder === folder)) return this.notify('error', `no group with folder "${folder}": see the Groups pane`);
				if (args) return trigger(folder, args);
				this.open({kind: 'prompt', label: `Arguments for /${name} (optional):`, value: '', onSubmit: (skillArgs) => trigger(folder, skillArgs)});
			},
		});
	}

	private showDetails(title: string, lines: string[]): void {
		this.open({kind: 'details', title, scroll: 0, lines});
	}

	/** Shows `lines` once `load` answers; a failure is a notice. */
	private showLoaded<T>(load: Promise<T>, title: string, lines: (loaded: T) => string[]): void {
		load.then(
			(loaded) => this.showDetails(title, lines(loaded)),
			(error: Error) => this.notify('error', error.message),
		);
	}

	private details(): void {
		switch (this.controller.state.pane) {
			case 'groups':
				return this.groupDetails();
			case 'containers':
				return this.runDetails();
			case 'tasks': {
				const task = this.selected(taskRows);
				if (task) this.showDetails(`Task ${task.id}`, taskLines(task, this.snapshot.timezone));
				return;
			}
			case 'access': {
				const row = this.selected(accessRows);
				if (row?.kind === 'hostRequest') return this.showDetails(`Web request #${row.request.id}`, hostRequestLines(row.request, this.snapshot));
				if (row?.kind === 'request') return this.showDetails(`Mount request #${row.request.id}`, mountRequestLines(row.request));
				return;
			}
			case 'skills': {
				const skill = this.selected(skillRows);
				if (!skill) return;
				return this.showLoaded(this.host.skillText(skill.name), `Skill ${skill.name} (${skill.source})`, (text) => [...(skill.broken ? [`BROKEN: ${skill.broken}`] : []), ...text.split('\n')]);
			}
		}
	}

	private groupDetails(): void {
		const row = this.selected(groupRows);
		if (row?.kind === 'chat') return this.registerChat();
		if (!row) return;
		const lines = groupLines(row, this.snapshot);
		const show = (more: string[]) => this.showDetails(`Group ${row.group.name}`, [...lines, ...more]);
		this.host.memoryDetails(row.group.folder).then(
			(view) => show(memoryLines(view)),
			(error: Error) => show([`memory: ${error.message}`]),
		);
	}

	private runDetails(): void {
		const row = this.selected(containerRows);
		if (row?.kind === 'run') this.showLoaded(this.host.runOutput(row.run.id), `Run ${row.run.containerName}`, (tail) => runLines(row.run, tail, this.host.logs));
		if (row?.kind === 'subagent') this.showLoaded(this.host.runOutput(row.run.id), `Sub-agent ${row.subagent.name} of ${row.run.containerName}`, (tail) => subagentLines(row, tail));
	}
}
