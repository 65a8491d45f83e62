// The one place the host is wired: its state and services, delivery, the group runner, the
// channels, scheduled work and IPC, and their start and stop.
import {systemClock, type HostClock} from '../clock.js';
import type {Config} from '../config.js';
import type {Channel} from '../channels/channel.js';
import {LocalChatChannel} from '../channels/local-chat.js';
import type {LogStore} from '../log-store.js';
import {createHostMemory} from '../memory/create-memory.js';
import type {SandboxLauncher} from '../runtimes/runtime.js';
import type {FetcherOptions} from '../web/fetcher.js';
import {HostEmitter} from '../api/host-emitter.js';
import type {HostSnapshot} from '../api/host-api.js';
import {createDelivery} from './delivery.js';
import type {GroupRunner} from './group-runner.js';
import {createHostApi, type Host} from './host-api-impl.js';
import {createServices, openHostState} from './host-services.js';
import {createInbound} from './inbound.js';
import {wireIpc} from './ipc-wiring.js';
import {wireGroupRunner} from './runner-wiring.js';
import {agentUid} from './sandbox-spec.js';
import {createScheduledWork} from './scheduled-work.js';
import {createWhatsAppChannel, type WhatsAppLink, type WhatsAppParts} from './whatsapp-link.js';

export type {Host} from './host-api-impl.js';

export interface CreateHostOptions {
	config: Config;
	launcher: SandboxLauncher;
	/** The UI's log ring; a new one otherwise. */
	logStore?: LogStore;
	/**
	 * Connect WhatsApp (when paired) and allow pairing: the UI and headless modes. `true` uses the
	 * real Baileys socket; tests pass the parts to use instead (the fake socket, a clock).
	 */
	whatsapp?: boolean | WhatsAppParts;
	logToStderr?: boolean;
	/** web_fetch's resolver, extra CA and limits: test seams (tests map names to loopback servers). */
	web?: FetcherOptions;
	/** Runs the sandbox check of every group in the background (once per runtime and image): the UI and headless modes. */
	checkSandboxes?: boolean;
	/** Time for the scheduler, the outbox, retention, log lines and run records; default the system's. */
	clock?: HostClock;
}

export async function createHost(options: CreateHostOptions): Promise<Host> {
	const {config, launcher} = options;
	const clock = options.clock ?? systemClock;
	const state = openHostState(options, clock);
	const {paths, logger, db, messages, groups, runs} = state;
	const events = new HostEmitter();
	const changed = (part: keyof HostSnapshot) => events.emit('change', {part});
	const local = new LocalChatChannel();
	const channels: Channel[] = [local];
	let whatsapp: WhatsAppLink | undefined;
	const groupOfChat = (chatJid: string) => runner.groupOfChat(chatJid);
	const delivery = createDelivery({config, clock, db, messages, events, local, channels: () => channels, groupOfChat, logger});
	const services = createServices({config, launcher, checkSandboxes: options.checkSandboxes, state, events, delivery, changed, web: options.web});
	const {allowlist, approvals, skills, web, llm, verdicts} = services;
	const memory = createHostMemory({db, messages, groups, paths, budget: () => llm.currentBudget(), chatsOf: (group) => runner.chatsOf(group), logger, ownerUid: agentUid(), autoMemory: config.enableAutoMemory});
	const runner: GroupRunner = wireGroupRunner({services, stores: {messages, groups, runs}, memory, delivery, channels: () => channels, selfChatJid: () => whatsapp?.channel.selfJid(), logger, clock, events, changed});
	const inbound = createInbound({messages, events, channels: () => channels, outbox: delivery.outbox, logger, groupOfChat, wake: (folder) => runner.wake(folder), changed});
	if (options.whatsapp) {
		const parts = options.whatsapp === true ? undefined : options.whatsapp;
		whatsapp = await createWhatsAppChannel({paths, logger, callbacks: inbound.callbacksOf(() => whatsapp?.channel), onState: inbound.onWhatsAppState, parts});
		channels.push(whatsapp.channel);
	}
	const scheduled = createScheduledWork({config, db, runs, outboxStore: delivery.outboxStore, llm, runner, clock, logger, onTasksChanged: () => changed('tasks')});
	const onGroupsChanged = () => {
		changed('groups');
		verdicts?.checkMissing();
	};
	const ipc = wireIpc({config, paths, groups, messages, scheduler: scheduled.scheduler, approvals, delivery, whatsapp: () => whatsapp, onGroupsChanged, logger});
	// A registered group's IPC folders are watched from its registration on.
	events.on('change', ({part}) => part === 'groups' && ipc.syncGroups());

	return createHostApi({
		config,
		clock,
		launcher,
		logger,
		logs: state.logs,
		events,
		local,
		channels,
		stores: {messages, groups, runs},
		runner,
		scheduler: scheduled.scheduler,
		approvals,
		allowlist,
		web,
		memory: memory.upkeep,
		skills,
		llm,
		verdicts,
		whatsapp: () => whatsapp,
		callbacks: inbound.callbacks,
		receive: inbound.receive,
		outboxQuiet: () => delivery.outbox.quiet(),
		async start() {
			services.start();
			await ipc.start();
			scheduled.start();
			// Replies a crash or a stop left unsent: local ones now, the others as their channel connects.
			void delivery.outbox.flushAll().catch((error: Error) => logger.error({err: error.message}, 'sending queued messages failed'));
		},
		async stop() {
			await ipc.stop();
			scheduled.stop();
			await verdicts?.stop();
			await runner.stop();
			delivery.outbox.stop();
			for (const channel of channels) await channel.disconnect().catch(() => {});
			await services.close();
			state.close();
		},
	});
}
