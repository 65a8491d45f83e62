// The actions on the selected row of a list pane: details, register, kill, approve, trigger, …
import {describeRequest, describeSummary} from '../llm/llm-stats.js';
import type {HostSnapshot, RunOutputView} from '../api/host-api.js';
import type {ContainerRun, RegisteredGroup} from '../api/types.js';
import type {Controller} from './controller.js';
import {isLive, localTime, misfireText, sandboxLabel} from './format.js';
import {memoryLines, restoreMemory} from './group-memory.js';
import {keyHint, keysOf, type ActionName} from './keymap.js';
import {accessRows, containerRows, groupRows, skillRows, subagentState, taskRows, type ContainerRow} from './panes/rows.js';

const approveChoices = [
	{action: 'approve.ro', mode: 'ro', scope: 'group', label: 'read-only, this group'},
	{action: 'approve.rw', mode: 'rw', scope: 'group', label: 'read-write, this group'},
	{action: 'approve.ro.all', mode: 'ro', scope: 'all', label: 'read-only, all groups'},
	{action: 'approve.rw.all', mode: 'rw', scope: 'all', label: 'read-write, all groups'},
] as const;

/** A run's model requests: the run's totals, then its last requests one per line. */
function modelLines(tail: RunOutputView | undefined): string[] {
	if (!tail) return ['  not kept (a run of an earlier host)'];
	const llm = tail.llm;
	if (!llm) return ['  no requests yet'];
	const first = llm.requests - llm.last.length + 1;
	return [`  ${describeSummary(llm)}`, ...llm.last.map((stats, index) => `  #${first + index} ${describeRequest(stats)}`)];
}

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
	constructor(private readonly controller: Controller) {}

	private get snapshot(): HostSnapshot {
		return this.controller.deps.snapshot();
	}

	private selected<Row>(rows: (snapshot: HostSnapshot, filter: string) => Row[]): Row | undefined {
		const {pane, filters, cursors} = this.controller.state;
		return rows(this.snapshot, filters[pane])[cursors[pane]];
	}

	private notify(level: 'info' | 'warn' | 'error', text: string): void {
		this.controller.deps.notify(level, text);
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

	run(action: ActionName): void {
		const {host} = this.controller.deps;
		const {pane} = this.controller.state;
		const act = this.controller.act.bind(this.controller);
		const open = this.controller.openModal.bind(this.controller);
		switch (action) {
			case 'details':
				return this.details();
			case 'chat': {
				const group = this.chatGroup();
				if (!group) return this.notify('warn', pane === 'groups' ? `this chat is not registered: press ${keysOf('group.register')} to register it first` : 'no group registered yet');
				return open({kind: 'chat', groupFolder: group.folder, value: ''});
			}
			case 'group.register': {
				const row = this.selected(groupRows);
				if (row?.kind === 'self') return this.notify('warn', `your WhatsApp self-chat already counts as input to ${row.group.folder}`);
				if (row?.kind !== 'chat') return this.notify('warn', 'select a chat marked "(not registered)" to register it');
				const {chat} = row;
				return open({
					kind: 'prompt',
					label: `Folder for "${chat.name || chat.jid}":`,
					value: suggestFolder(chat.name || chat.jid),
					onSubmit: (folder) =>
						open({
							kind: 'choice',
							message: `Register ${chat.name || chat.jid} as ${folder}: when should ${this.snapshot.assistantName} answer?`,
							scope: 'register',
							choices: [true, false].map((requiresTrigger) => ({
								action: requiresTrigger ? 'register.trigger' : 'register.every',
								label: requiresTrigger ? `only after @${this.snapshot.assistantName}` : 'every message',
								run: () => act(() => host.registerGroup({jid: chat.jid, name: chat.name || chat.jid, folder, requiresTrigger}), `registered ${folder}`),
							})),
						}),
				});
			}
			case 'group.unregister': {
				const row = this.selected(groupRows);
				if (row?.kind === 'self') return this.notify('warn', `your WhatsApp self-chat belongs to ${row.group.folder}: it cannot be unregistered`);
				if (row?.kind !== 'group') return this.notify('warn', 'select a registered group to unregister it');
				const {group} = row;
				return open({
					kind: 'confirm',
					message: `Unregister ${group.name} (${group.folder})${group.isMain ? ', the MAIN group' : ''}? Its folder stays on disk.`,
					onYes: () => act(() => host.unregisterGroup(group.folder), `unregistered ${group.folder}`),
				});
			}
			case 'group.restoreMemory': {
				const row = this.selected(groupRows);
				if (row?.kind !== 'group' && row?.kind !== 'self') return this.notify('warn', "select a registered group to restore its memory");
				return restoreMemory(this.controller, row.group);
			}
			case 'run.kill': {
				const row = this.selected(containerRows);
				if (!row) return this.notify('warn', 'no run selected');
				if (row.kind === 'subagent') return this.killSubagent(row);
				const {run} = row;
				if (!isLive(run)) return this.notify('warn', `run ${run.containerName} has already ended`);
				return open({
					kind: 'confirm',
					message: `Kill run ${run.containerName} of ${run.groupFolder}?`,
					onYes: () => act(() => host.killRun(run.id), `killed ${run.containerName}`),
				});
			}
			case 'task.toggle': {
				const task = this.selected(taskRows);
				if (!task) return this.notify('warn', 'no task selected');
				if (task.status === 'completed') return this.notify('warn', 'this task has completed: nothing to pause');
				if (task.status === 'paused') return act(() => host.resumeTask(task.id), `resumed task ${task.id}`);
				return act(() => host.pauseTask(task.id), `paused task ${task.id}`);
			}
			case 'task.runNow': {
				const task = this.selected(taskRows);
				if (!task) return this.notify('warn', 'no task selected');
				return act(() => host.runTaskNow(task.id), `task ${task.id} queued to run now`);
			}
			case 'task.delete': {
				const task = this.selected(taskRows);
				if (!task) return this.notify('warn', 'no task selected');
				return open({kind: 'confirm', message: `Delete task ${task.id} (${task.prompt.slice(0, 40)})?`, onYes: () => act(() => host.deleteTask(task.id), `deleted task ${task.id}`)});
			}
			case 'task.misfire': {
				const task = this.selected(taskRows);
				if (!task) return this.notify('warn', 'no task selected');
				const choices = [['misfire.catchUp', 'catch-up'], ['misfire.once', 'once'], ['misfire.skip', 'skip']] as const;
				return open({
					kind: 'choice',
					message: `Runs of ${task.id} missed while the host was down (now ${task.misfire}):`,
					scope: 'misfire',
					choices: choices.map(([choice, misfire]) => ({
						action: choice,
						label: misfire,
						run: () => act(() => host.setTaskMisfire(task.id, misfire), `task ${task.id}: misfire ${misfire} (${misfireText[misfire]})`),
					})),
				});
			}
			case 'access.approve':
			case 'access.reject': {
				const row = this.selected(accessRows);
				if (row?.kind === 'hostRequest') return this.decideHost(row.request, action === 'access.approve');
				if (row?.kind !== 'request') return this.notify('warn', 'select a PENDING request to approve or reject it');
				const {request} = row;
				if (action === 'access.reject') return act(() => host.rejectMount(request.id), `rejected ${request.hostPath}`);
				if (!request.realPath) return this.notify('warn', `${request.hostPath} did not resolve when it was asked: it can only be rejected`);
				const shown = request.realPath;
				return open({
					kind: 'choice',
					message: `Allow ${shown}${shown !== request.hostPath ? ` (asked as ${request.hostPath})` : ''} for ${request.groupFolder} as:`,
					scope: 'approve',
					choices: approveChoices.map(({action, mode, scope, label}) => ({
						action,
						label,
						run: () => act(() => host.approveMount(request.id, mode, scope), `approved ${shown} (${mode}, ${scope === 'all' ? 'all groups' : request.groupFolder})`),
					})),
				});
			}
			case 'skill.trigger': {
				const skill = this.selected(skillRows);
				if (!skill) return this.notify('warn', 'no skill selected');
				if (skill.broken) return this.notify('error', `skill ${skill.name} is broken: ${skill.broken}`);
				return this.askSkillGroup(skill.name, '');
			}
		}
	}

	/** Asks, then stops one sub-agent; its run and the other sub-agents carry on. */
	private killSubagent({run, subagent}: Extract<ContainerRow, {kind: 'subagent'}>): void {
		if (subagent.state !== 'running') return this.notify('warn', `sub-agent ${subagent.name} has already ended (${subagent.state})`);
		this.controller.openModal({
			kind: 'confirm',
			message: `Kill sub-agent ${subagent.name} of run ${run.containerName}? The run and its other sub-agents go on.`,
			onYes: () => this.controller.act(() => this.controller.deps.host.killSubagent(run.id, subagent.id), `killed sub-agent ${subagent.name}`),
		});
	}

	/** Rejects a waiting web request, or asks how far to allow it: once, its group, all groups. */
	private decideHost(request: HostSnapshot['web']['requests'][number], approve: boolean): void {
		const {host} = this.controller.deps;
		const act = this.controller.act.bind(this.controller);
		if (!approve) return act(() => host.rejectHost(request.id), `rejected ${request.host} for ${request.groupFolder}`);
		const plain = request.url.startsWith('http:') ? ' (plain http)' : '';
		const scopes = [
			{scope: 'once', action: 'approveHost.once', label: 'this fetch once', done: `allowed one fetch of ${request.host}`},
			{scope: 'group', action: 'approveHost.group', label: `${request.groupFolder} always`, done: `allowed ${request.host} for ${request.groupFolder}`},
			{scope: 'all', action: 'approveHost.all', label: 'all groups', done: `allowed ${request.host} for all groups`},
		] as const;
		this.controller.openModal({
			kind: 'choice',
			message: `Allow ${request.groupFolder} to read ${request.host}${plain}?`,
			scope: 'approveHost',
			choices: scopes.map(({scope, action, label, done}) => ({action, label, run: () => act(() => host.approveHost(request.id, scope), done)})),
		});
	}

	/** Asks which group runs skill `name`, then its arguments, then triggers it. */
	askSkillGroup(name: string, args: string): void {
		const open = this.controller.openModal.bind(this.controller);
		const main = this.snapshot.groups.find((group) => group.isMain)?.folder ?? this.snapshot.groups[0]?.folder ?? '';
		const trigger = (folder: string, skillArgs: string) =>
			this.controller.act(() => this.controller.deps.host.triggerSkill(folder, name, skillArgs), `/${name} sent to ${folder}`);
		open({
			kind: 'prompt',
			label: `Run /${name} in group (folder):`,
			value: main,
			onSubmit: (folder) => {
				if (!this.snapshot.groups.some((group) => group.folder === folder)) return this.notify('error', `no group with folder "${folder}": see the Groups pane`);
				if (args) return trigger(folder, args);
				open({kind: 'prompt', label: `Arguments for /${name} (optional):`, value: '', onSubmit: (skillArgs) => trigger(folder, skillArgs)});
			},
		});
	}

	private details(): void {
		const open = this.controller.openModal.bind(this.controller);
		const {pane} = this.controller.state;
		if (pane === 'groups') {
			const row = this.selected(groupRows);
			if (row?.kind === 'chat') return this.run('group.register');
			if (!row) return;
			const {group} = row;
			const lines = [
				`jid: ${group.jid}`,
				...(row.kind === 'self' ? [`also: your WhatsApp self-chat ${row.chat.jid} (its messages go to ${group.folder})`] : []),
				`folder: ${group.folder}${group.isMain ? ' (main)' : ''}`,
				`answers: ${group.isMain || !group.requiresTrigger ? 'every message' : `after ${group.trigger}`}`,
				`network: ${group.network ? 'yes' : 'no'}`,
				`added: ${group.addedAt}`,
				'extra mounts:',
				...(group.extraMounts.length ? group.extraMounts.map((mount) => `  ${mount.hostPath} → ${mount.containerPath ?? '(default)'} ${mount.readonly === false ? 'rw' : 'ro'}`) : ['  none']),
				...this.sandboxDetails(group.folder),
			];
			const show = (more: string[]) => open({kind: 'details', title: `Group ${group.name}`, scroll: 0, lines: [...lines, ...more]});
			this.controller.deps.host.memoryDetails(group.folder).then(
				(view) => show(memoryLines(view)),
				(error: Error) => show([`memory: ${error.message}`]),
			);
			return;
		}
		if (pane === 'containers') {
			const row = this.selected(containerRows);
			if (row?.kind === 'run') {
				const {run} = row;
				this.controller.deps.host.runOutput(run.id).then(
					(tail) => open({kind: 'details', title: `Run ${run.containerName}`, scroll: 0, lines: this.runDetails(run, tail)}),
					(error: Error) => this.notify('error', error.message),
				);
			}
			if (row?.kind === 'subagent') {
				this.controller.deps.host.runOutput(row.run.id).then(
					(tail) => open({kind: 'details', title: `Sub-agent ${row.subagent.name} of ${row.run.containerName}`, scroll: 0, lines: this.subagentDetails(row, tail)}),
					(error: Error) => this.notify('error', error.message),
				);
			}
			return;
		}
		if (pane === 'tasks') {
			const task = this.selected(taskRows);
			if (!task) return;
			return open({
				kind: 'details',
				title: `Task ${task.id}`,
				scroll: 0,
				lines: [
					`group: ${task.groupFolder} (${task.chatJid})`,
					`schedule: ${task.scheduleType} ${task.scheduleValue} · context ${task.contextMode} · ${task.status}`,
					`missed runs: ${task.misfire} (${misfireText[task.misfire]})`,
					`next runs: ${task.upcoming.length ? task.upcoming.map((at) => localTime(at, this.snapshot.timezone)).join(' · ') : '-'} · last run: ${task.lastRun ?? '-'}`,
					'prompt:',
					...task.prompt.split('\n').map((line) => `  ${line}`),
					'last result:',
					...(task.lastResult ?? '-').split('\n').map((line) => `  ${line}`),
				],
			});
		}
		if (pane === 'access') {
			const row = this.selected(accessRows);
			if (row?.kind === 'hostRequest') return open({kind: 'details', title: `Web request #${row.request.id}`, scroll: 0, lines: this.hostRequestDetails(row.request)});
			if (row?.kind !== 'request') return;
			const {request} = row;
			return open({
				kind: 'details',
				title: `Mount request #${request.id}`,
				scroll: 0,
				lines: [
					`group: ${request.groupFolder}`,
					`asked for: ${request.hostPath}`,
					`real path (what approval allows): ${request.realPath ?? '(did not resolve)'}`,
					`container path: ${request.containerPath ?? '(default)'}`,
					`wants: ${request.readonly ? 'read-only' : 'read-write'} · from ${request.source} · ${request.createdAt}`,
					`why it waits: ${request.reason ?? '-'}`,
					`${keyHint('access.approve', 'approve')} (${keysOf('approve.ro')} read-only / ${keysOf('approve.rw')} read-write for this group, ${keysOf('approve.ro.all')} / ${keysOf('approve.rw.all')} for all groups) · ${keyHint('access.reject', 'reject')}`,
				],
			});
		}
		if (pane === 'skills') {
			const skill = this.selected(skillRows);
			if (!skill) return;
			this.controller.deps.host.skillText(skill.name).then(
				(text) => open({kind: 'details', title: `Skill ${skill.name} (${skill.source})`, scroll: 0, lines: [...(skill.broken ? [`BROKEN: ${skill.broken}`] : []), ...text.split('\n')]}),
				(error: Error) => this.notify('error', error.message),
			);
		}
	}

	private hostRequestDetails(request: HostSnapshot['web']['requests'][number]): string[] {
		const decided = this.snapshot.web.requests.filter((other) => other.host === request.host && other.status !== 'pending');
		return [
			`group: ${request.groupFolder}`,
			`url: ${request.url}`,
			`host: ${request.host} · asked ${request.createdAt}`,
			`why it waits: ${request.reason}`,
			`${keyHint('access.approve', 'approve')} (${keysOf('approveHost.once')} once / ${keysOf('approveHost.group')} this group / ${keysOf('approveHost.all')} all groups) · ${keyHint('access.reject', 'reject')}`,
			'earlier decisions for this host:',
			...(decided.length ? decided.map((other) => `  #${other.id} ${other.groupFolder} ${other.status}${other.scope ? ` (${other.scope})` : ''} by ${other.decidedBy ?? '-'} at ${other.decidedAt ?? '-'}`) : ['  none']),
		];
	}

	private subagentDetails({run, subagent}: Extract<ContainerRow, {kind: 'subagent'}>, tail: RunOutputView | undefined): string[] {
		const transcript = tail?.subagents?.[subagent.id];
		return [
			`run: ${run.containerName} (${run.groupFolder}) · state: ${subagentState(subagent)}`,
			`rounds: ${subagent.rounds} · tokens: ${subagent.tokens} · started: ${subagent.startedAt} · last update: ${subagent.updatedAt}`,
			...(subagent.state === 'running' ? [keyHint('run.kill', 'on its row kills it (the run goes on)')] : []),
			'transcript:',
			...(transcript?.length ? transcript.map((line) => `  ${line}`) : ['  not kept (a run of an earlier host)']),
		];
	}

	/** The group's sandbox check, line by line (as `babybot-tui sandbox check` prints it). */
	private sandboxDetails(folder: string): string[] {
		const {snapshot} = this;
		const label = sandboxLabel(snapshot, folder).text;
		const verdict = snapshot.sandboxChecks[folder];
		const heading = `sandbox check: ${label}${verdict?.checkedAt ? ` (${snapshot.runtime.name}, ${verdict.checkedAt})` : ''}`;
		if (!snapshot.runtime.sandboxed) return [heading, '  agents run on this machine without a sandbox'];
		if (!verdict) return [heading, `  not run yet: \`babybot-tui sandbox check --group ${folder}\` runs it`];
		return [heading, ...(verdict.lines.length > 0 ? verdict.lines : [verdict.reason ?? 'under way']).map((text) => `  ${text}`)];
	}

	private runDetails(run: ContainerRun, tail: RunOutputView | undefined): string[] {
		const {host} = this.controller.deps;
		const logs = host.logs;
		const recent: string[] = [];
		for (let index = logs.size - 1; index >= 0 && recent.length < 15 && index >= logs.size - 5000; index--) {
			const line = logs.at(index);
			if (line && (line.fields.includes(run.id) || line.fields.includes(run.containerName) || line.msg.includes(run.containerName))) recent.unshift(`  ${line.msg} ${line.fields}`);
		}
		const indent = (lines: string[] | undefined, none: string) => (lines?.length ? lines.map((line) => `  ${line}`) : [`  ${none}`]);
		return [
			`group: ${run.groupFolder} · runtime: ${run.runtime} · state: ${run.state}${run.endReason ? ` (${run.endReason})` : ''}`,
			`started: ${run.startedAt} · last output: ${run.lastOutputAt ?? '-'} · ended: ${run.endedAt ?? '-'}`,
			...(run.error ? [`error: ${run.error}`] : []),
			'model:',
			...modelLines(tail),
			'mounts:',
			...(run.mounts.length ? run.mounts.map((mount) => `  ${mount.hostPath} → ${mount.containerPath} ${mount.readonly ? 'ro' : 'rw'}`) : ['  none']),
			'argv:',
			`  ${run.argv.join(' ')}`,
			'recent agent output:',
			...indent(tail?.output, tail ? 'none yet' : 'not kept (a run of an earlier host)'),
			'stderr (tail):',
			...indent(tail?.stderr, tail ? 'empty' : 'not kept (a run of an earlier host)'),
			...(tail?.thinking ? ['thinking (kept here only, never sent to a chat):', ...indent(tail.thinking, '')] : []),

			'host log lines about this run:',
			...(recent.length ? recent : ['  none']),
		];
	}
}
