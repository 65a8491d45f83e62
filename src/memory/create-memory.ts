// The host's memory parts, wired for createHost: history search and other groups' memory for the
// agents, compaction and restore of the memory files, and auto-memory's check of a turn's messages.
import type {ContextBudget} from '../../container/agent-runner/src/protocol.js';
import type {Logger} from '../logger.js';
import type {HomePaths} from '../paths.js';
import type {Db} from '../store/db.js';
import type {GroupStore} from '../store/groups.js';
import type {MessageStore} from '../store/messages.js';
import type {RegisteredGroup, StoredMessage} from '../api/types.js';
import {HistoryIndex} from './history-search.js';
import {statesLastingFact} from './lasting-fact.js';
import {MemoryRequests} from './memory-requests.js';
import {MemoryUpkeep} from './memory-upkeep.js';
import {MemoryVersions} from './memory-versions.js';

export interface HostMemoryOptions {
	db: Db;
	messages: MessageStore;
	groups: GroupStore;
	paths: HomePaths;
	budget(): ContextBudget | undefined;
	chatsOf(group: RegisteredGroup): string[];
	logger: Logger;
	ownerUid?: number;
	/** ENABLE_AUTO_MEMORY. */
	autoMemory: boolean;
}

export interface HostMemory {
	requests: MemoryRequests;
	upkeep: MemoryUpkeep;
	/** Whether a turn of these messages should end with auto-memory's check. */
	checkLastingFacts(batch: StoredMessage[]): boolean;
}

export function createHostMemory(options: HostMemoryOptions): HostMemory {
	const {db, messages, groups, paths, logger} = options;
	return {
		requests: new MemoryRequests({index: new HistoryIndex(db), messages, groups, paths, chatsOf: options.chatsOf, logger}),
		upkeep: new MemoryUpkeep({paths, versions: new MemoryVersions({dir: paths.memoryHistoryDir}), budget: options.budget, logger, ownerUid: options.ownerUid}),
		checkLastingFacts: (batch) => options.autoMemory && statesLastingFact(batch.filter((message) => !message.isBotMessage).map((message) => message.content)),
	};
}
