// The IPC watcher as the host wires it: every registered group's folders, the handlers of each
// request kind, and the chat told once when a group's requests are refused as a flood.
import type {Config} from '../config.js';
import {createIpcWatcher, type IpcWatcher} from '../ipc/ipc-watcher.js';
import type {Logger} from '../logger.js';
import type {MountApprovals} from '../mounts/mount-requests.js';
import type {TaskScheduler} from '../scheduler/task-scheduler.js';
import type {GroupStore} from '../store/groups.js';
import type {MessageStore} from '../store/messages.js';
import type {Delivery} from './delivery.js';
import {createIpcHandlers} from './ipc-handlers.js';
import type {HostPaths} from './sandbox-spec.js';
import {agentUid} from './sandbox-spec.js';
import type {WhatsAppLink} from './whatsapp-link.js';

export interface IpcWiring {
	config: Config;
	paths: HostPaths;
	groups: GroupStore;
	messages: MessageStore;
	scheduler: TaskScheduler;
	approvals: MountApprovals;
	delivery: Delivery;
	whatsapp(): WhatsAppLink | undefined;
	onGroupsChanged(): void;
	logger: Logger;
}

export function wireIpc({config, paths, groups, messages, scheduler, approvals, delivery, whatsapp, onGroupsChanged, logger}: IpcWiring): IpcWatcher {
	return createIpcWatcher({
		ipcDir: paths.ipcDir,
		errorsDir: paths.ipcErrorsDir,
		writerUid: agentUid(),
		logger,
		onFlood: (folder, reason) => {
			const chatJid = groups.byFolder(folder)?.jid ?? `local:${folder}`;
			delivery.deliverLogged(chatJid, `⚠️ The assistant sent too many requests to the host, so some were refused (${reason}).`, 'a flood notice');
		},
		groups: () => groups.all(),
		findTask: (taskId) => scheduler.get(taskId),
		handlers: createIpcHandlers({
			config,
			groups,
			scheduler,
			approvals,
			deliver: (chatJid, text) => delivery.deliver(chatJid, text),
			onGroupsChanged,
			chats: () => messages.chats(),
			async refreshGroups() {
				const channel = whatsapp()?.channel;
				if (!channel) return 'WhatsApp is off in this mode: group names were not synced';
				if (!channel.isConnected()) return 'WhatsApp is not connected: group names sync when it reconnects';
				return `synced the names of ${await channel.refreshGroups()} WhatsApp groups`;
			},
		}),
	});
}
