import path from 'node:path';
import type {Config} from '../config.js';
import {agentBounds} from '../ipc/ipc-limits.js';
import type {IpcHandlers} from '../ipc/ipc-types.js';
import type {MountApprovals} from '../mounts/mount-requests.js';
import {containerNameProblem} from '../mounts/mount-security.js';
import {folderProblem} from '../paths.js';
import type {TaskScheduler} from '../scheduler/task-scheduler.js';
import type {GroupStore} from '../store/groups.js';
import type {ChatInfo, ExtraMountSpec, RegisteredGroup} from '../api/types.js';

export interface IpcHandlerDeps {
	config: Config;
	groups: GroupStore;
	scheduler: TaskScheduler;
	approvals: MountApprovals;
	/** Stores and sends a message; resolves to the outbox's verdict. */
	deliver(chatJid: string, text: string): Promise<{status: 'sent'} | {status: 'queued'; reason: string}>;
	onGroupsChanged(): void;
	/** Syncs WhatsApp group names when it can; resolves to what happened, for the agent. */
	refreshGroups(): Promise<string>;
	/** Chats seen on any channel (registered or not). */
	chats(): ChatInfo[];
}

/** What the host does for each authorized IPC request; the return value is the ack's `result`. */
export function createIpcHandlers(deps: IpcHandlerDeps): IpcHandlers {
	const {groups, scheduler, approvals} = deps;
	const chatOf = (folder: string) => groups.byFolder(folder)?.jid ?? `local:${folder}`;
	return {
		async sendMessage(chatJid, text) {
			const outcome = await deps.deliver(chatJid, text);
			return outcome.status === 'sent' ? 'sent' : `queued: ${outcome.reason}; it is sent when the chat's channel reconnects`;
		},
		scheduleTask(task) {
			checkInterval(task.scheduleType, task.scheduleValue);
			const active = scheduler.list(task.groupFolder).filter((t) => t.status !== 'completed').length;
			if (active >= agentBounds.tasksPerGroup) {
				throw new Error(`too many tasks: group ${task.groupFolder} has ${active} (the limit is ${agentBounds.tasksPerGroup}); cancel some first`);
			}
			const created = scheduler.create(task);
			return {taskId: created.id, nextRun: created.nextRun};
		},
		manageTask(action) {
			switch (action.action) {
				case 'pause':
					return scheduler.pause(action.taskId).status;
				case 'resume':
					return scheduler.resume(action.taskId).status;
				case 'cancel':
					scheduler.cancel(action.taskId);
					return 'cancelled';
				case 'update': {
					const current = scheduler.get(action.taskId);
					checkInterval(action.changes.scheduleType ?? current?.scheduleType, action.changes.scheduleValue ?? current?.scheduleValue);
					return {nextRun: scheduler.update(action.taskId, action.changes).nextRun};
				}
			}
		},
		registerGroup(input) {
			const problem = folderProblem(input.folder);
			if (problem) throw new Error(problem);
			const group: RegisteredGroup = {
				jid: input.jid,
				name: input.name,
				folder: input.folder,
				trigger: input.trigger ? (input.trigger.startsWith('@') ? input.trigger : `@${input.trigger}`) : deps.config.trigger,
				requiresTrigger: input.requiresTrigger ?? true,
				isMain: false,
				addedAt: new Date().toISOString(),
				// The agent's mounts are requests like request_mount's, never the operator's config.
				extraMounts: [],
				network: false,
			};
			groups.add(group);
			deps.onGroupsChanged();
			// Asked now, so mounts that need the operator wait in the Access pane before the first run.
			const mounts = (input.extraMounts ?? []).map((mount) => ({hostPath: mount.hostPath, answer: askMount(approvals, mount, {folder: group.folder, isMain: false})}));
			return mounts.length > 0 ? {folder: group.folder, mounts} : {folder: group.folder};
		},
		async refreshGroups() {
			const whatsapp = await deps.refreshGroups();
			const registered = groups.all();
			// What main needs to register a chat: the ids of those seen but not registered yet.
			const unregistered = deps
				.chats()
				.filter((chat) => !chat.jid.startsWith('local:') && !registered.some((g) => g.jid === chat.jid))
				.map((chat) => ({jid: chat.jid, name: chat.name, isGroup: chat.isGroup, lastMessageAt: chat.lastMessageAt}));
			return {whatsapp, groups: registered.map((g) => ({jid: g.jid, name: g.name, folder: g.folder})), unregistered};
		},
		listTasks(source) {
			return scheduler
				.list(source.isMain ? undefined : source.folder)
				.map((t) => ({id: t.id, group: t.groupFolder, prompt: t.prompt, schedule: `${t.scheduleType} ${t.scheduleValue}`, status: t.status, nextRun: t.nextRun}));
		},
		async requestMount(mount, source) {
			const answer = askMount(approvals, mount, source);
			if (!answer.startsWith('allowed')) await deps.deliver(chatOf(source.folder), `📂 The assistant asked to mount ${mount.hostPath}; see the Access pane (or \`babybot-tui mounts list\`).`);
			return answer;
		},
	};
}

/** Agents may not schedule faster than once a minute (cron cannot, and an interval must not either). */
function checkInterval(type: string | undefined, value: string | undefined): void {
	if (type !== 'interval' || value === undefined) return;
	const ms = Number(value);
	if (Number.isFinite(ms) && ms < agentBounds.minTaskIntervalMs) {
		throw new Error(`interval ${value} ms is too short: the minimum is ${agentBounds.minTaskIntervalMs} ms (${agentBounds.minTaskIntervalMs / 1000} s)`);
	}
}

/**
 * The agent's answer to a mount it asked for. Anything but an automatic grant gets the same words,
 * whether the folder exists, is a file, is blocked or is the host's own: the agent learns nothing
 * about the host it could not already read. The operator sees the real reason in the Access pane.
 */
function askMount(approvals: MountApprovals, mount: ExtraMountSpec, source: {folder: string; isMain: boolean}): string {
	const shape = mountShapeProblem(mount);
	if (shape) throw new Error(shape);
	const outcome = approvals.request({groupFolder: source.folder, isMain: source.isMain, ...mount, source: 'ipc'});
	if (outcome.status === 'allowed') return `allowed: ${outcome.mount.containerPath} (${outcome.mount.readonly ? 'read-only' : 'read-write'}) from the next run`;
	if (outcome.status === 'rejected' && outcome.id === undefined) throw new Error(outcome.reason);
	const name = mount.containerPath ?? path.basename(mount.hostPath.replace(/\/+$/, ''));
	return `sent to the operator: if they allow it, it appears at /workspace/extra/${name} from the next run`;
}

/** What is wrong with the request itself, from its text alone (never from the host's files). */
function mountShapeProblem(mount: ExtraMountSpec): string | null {
	const given = mount.hostPath.trim();
	if (!given) return 'hostPath is empty: give a folder such as ~/notes';
	if (given.startsWith('~') && given !== '~' && !given.startsWith('~/')) return `hostPath "${given}" uses a ~user form: write it as ~/… or an absolute path`;
	if (!given.startsWith('~') && !path.isAbsolute(given)) return `hostPath "${given}" is relative: write it as ~/… or an absolute path`;
	const name = mount.containerPath ?? path.basename(given.replace(/\/+$/, ''));
	return containerNameProblem(name);
}
