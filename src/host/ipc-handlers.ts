import type {Config} from '../config.js';
import type {IpcHandlers} from '../ipc/ipc-watcher.js';
import type {MountApprovals} from '../mounts/mount-requests.js';
import {folderProblem} from '../paths.js';
import type {TaskScheduler} from '../scheduler/task-scheduler.js';
import type {GroupStore} from '../store/groups.js';
import type {ChatInfo, RegisteredGroup} from '../api/types.js';

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
				case 'update':
					return {nextRun: scheduler.update(action.taskId, action.changes).nextRun};
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
				extraMounts: input.extraMounts ?? [],
				network: false,
			};
			groups.add(group);
			deps.onGroupsChanged();
			// Asked now, so mounts that need the operator wait in the Mounts pane before the first run.
			const mounts = group.extraMounts.map((mount) => {
				const outcome = approvals.request({groupFolder: group.folder, isMain: false, ...mount, source: 'config'});
				return {hostPath: mount.hostPath, status: outcome.status, ...(outcome.status === 'allowed' ? {containerPath: outcome.mount.containerPath} : {reason: outcome.reason})};
			});
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
			const outcome = approvals.request({groupFolder: source.folder, isMain: source.isMain, ...mount, source: 'ipc'});
			if (outcome.status === 'rejected') throw new Error(outcome.reason);
			if (outcome.status === 'allowed') return `allowed: ${outcome.mount.containerPath} (${outcome.mount.readonly ? 'read-only' : 'read-write'}) from the next run`;
			await deps.deliver(chatOf(source.folder), `📂 A request to mount ${mount.hostPath} waits for the operator's approval (${outcome.reason}).`);
			return `waiting for the operator (request ${outcome.id}): ${outcome.reason}`;
		},
	};
}
