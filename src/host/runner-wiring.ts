// The group runner as the host wires it: the stores, the launcher, the model, web and memory
// servers, the turn plan (skills, host commands, auto-memory), the disk quota, and the events.
import type {Channel} from '../channels/channel.js';
import type {Logger} from '../logger.js';
import type {HostMemory} from '../memory/create-memory.js';
import {groupPaths} from '../paths.js';
import {planSkillTurn} from '../skills/turn-plan.js';
import type {GroupStore} from '../store/groups.js';
import type {MessageStore} from '../store/messages.js';
import type {RunStore} from '../store/runs.js';
import type {HostClock} from '../clock.js';
import type {HostEmitter} from '../api/host-emitter.js';
import type {HostSnapshot} from '../api/host-api.js';
import type {RegisteredGroup} from '../api/types.js';
import type {Delivery} from './delivery.js';
import {DiskQuota} from './disk-quota.js';
import {GroupRunner} from './group-runner.js';
import type {HostServices} from './host-services.js';

export interface RunnerWiring {
	services: HostServices;
	stores: {messages: MessageStore; groups: GroupStore; runs: RunStore};
	memory: HostMemory;
	delivery: Delivery;
	channels: () => Channel[];
	selfChatJid(): string | undefined;
	logger: Logger;
	clock: HostClock;
	events: HostEmitter;
	changed(part: keyof HostSnapshot): void;
}

export function wireGroupRunner(wiring: RunnerWiring): GroupRunner {
	const {services, stores, memory, delivery, events, changed} = wiring;
	const {config, paths} = services.sandbox;
	const {llm, skills} = services;
	const diskQuota = new DiskQuota({quotaMb: config.groupDiskQuotaMb});
	const folderOf = (group: RegisteredGroup) => groupPaths(paths, group.folder).group;
	return new GroupRunner({
		...services.sandbox,
		...stores,
		llm,
		web: services.web,
		memory: memory.requests,
		memoryUpkeep: (group) => memory.upkeep.beforeRun(group),
		logger: wiring.logger,
		clock: wiring.clock,
		deliver: (chatJid, text, options) => delivery.deliverLogged(chatJid, text, 'a reply', options),
		planTurn: (group, batch) => {
			const plan = planSkillTurn({messages: batch, skills: skills.skills(), trigger: group.trigger, assistantName: config.assistantName});
			return 'reply' in plan || plan.command || !memory.checkLastingFacts(batch) ? plan : {...plan, checkLastingFacts: true};
		},
		selfChatJid: wiring.selfChatJid,
		setTyping: (chatJid, typing) => void wiring.channels().find((c) => c.ownsJid(chatJid))?.setTyping?.(chatJid, typing).catch(() => {}),
		onRunUpdate: () => changed('runs'),
		onSubagent: () => changed('subagents'),
		onDelta: (groupFolder, chatJid, text) => events.emit('delta', {groupFolder, chatJid, text}),
		diskQuotaProblem: (group) => diskQuota.problem(group.folder, folderOf(group)),
		remeasureFolder: (group) => void diskQuota.remeasure(group.folder, folderOf(group)),
		onTurn: (turn) => {
			events.emit('turn', turn);
			if (!turn.ok) events.emit('notice', {level: 'error', text: `${turn.groupFolder}: ${turn.error ?? 'the agent failed'}`});
		},
	});
}
