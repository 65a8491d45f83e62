// "A month in a minute": the plan of 30 simulated days, made from a seed so a failure reproduces.
// Five WhatsApp groups (two need the trigger, with long runs of chatter), tasks of every schedule
// type and misfire policy across the spring DST change, seven restarts (some SIGKILL, some in the
// middle of a turn, one 4-day outage), WhatsApp dropping and returning, a group unregistered and
// registered again. Pure: the driver (month-drive.ts) plays it against real host processes.
import type {MisfirePolicy, ScheduleType} from '../../src/api/types.js';
import {seededRandom} from './seeded-random.js';

export const timezone = 'Europe/Berlin';
const hour = 60 * 60_000;
const day = 24 * hour;

export interface PlanGroup {
	folder: string;
	jid: string;
	requiresTrigger: boolean;
}

export const groups: PlanGroup[] = [
	{folder: 'club', jid: '120363000000000101@g.us', requiresTrigger: true},
	{folder: 'choir', jid: '120363000000000102@g.us', requiresTrigger: true},
	{folder: 'family', jid: '120363000000000103@g.us', requiresTrigger: false},
	{folder: 'work', jid: '120363000000000104@g.us', requiresTrigger: false},
	{folder: 'garden', jid: '120363000000000105@g.us', requiresTrigger: false},
];

export interface PlanTask {
	name: string;
	folder: string;
	scheduleType: ScheduleType;
	scheduleValue: string;
	misfire: MisfirePolicy;
	contextMode: 'group' | 'isolated';
}

export interface PlanMessage {
	id: string;
	/** The word the model's answer names it by. */
	token: string;
	jid: string;
	text: string;
	/** When it was written (its WhatsApp timestamp); it reaches the host at its event's time. */
	at: number;
	/** It should be answered (exactly once): a triggered message, or any in a group without trigger. */
	answerable: boolean;
}

export type RestartHow = 'stop' | 'kill' | 'stop-mid-turn' | 'kill-mid-turn';

export type PlanEvent =
	| {at: number; kind: 'messages'; jid: string; messages: PlanMessage[]}
	| {at: number; kind: 'restart'; how: RestartHow; upAgainAt: number; hold: PlanMessage}
	| {at: number; kind: 'wa-offline'}
	| {at: number; kind: 'wa-online'}
	| {at: number; kind: 'unregister'; folder: string}
	| {at: number; kind: 'register'; folder: string}
	| {at: number; kind: 'sample'};

export interface MonthPlan {
	seed: number;
	start: number;
	end: number;
	tasks: PlanTask[];
	events: PlanEvent[];
	/** When the host runs: [start, stop) each. */
	ups: Array<[number, number]>;
	/** The garden group is unregistered (its tasks paused) over [from, to). */
	pause: {folder: string; from: number; to: number};
	messages: PlanMessage[];
}

export function planMonth(seed: number, options: {restarts?: boolean} = {}): MonthPlan {
	const random = seededRandom(seed);
	const between = (low: number, high: number) => low + random() * (high - low);
	const start = Date.parse('2026-03-15T00:00:00+01:00');
	const end = start + 30 * day + 10 * 60_000;
	// Restarts never within minutes of a slot (tasks run at :00 and :30): minute 5-25 or 35-55.
	// The fourth outage lasts 2 hours at least: a once task due in it runs late, at the restart.
	const offSlot = (at: number) => {
		const minute = Math.floor(between(5, 25)) + (random() < 0.5 ? 0 : 30);
		return Math.floor(at / hour) * hour + minute * 60_000 + Math.floor(between(0, 59_999));
	};
	const hows: RestartHow[] = ['stop', 'kill-mid-turn', 'kill', 'stop-mid-turn', 'stop', 'kill', 'kill-mid-turn'];
	const ups: Array<[number, number]> = [];
	const downs: Array<[number, number]> = [];
	let upSince = start;
	if (options.restarts !== false) {
		for (let k = 0; k < hows.length; k++) {
			const at = offSlot(Math.max(start + (3 + 4 * k) * day + between(0, 1.5) * day, upSince + day));
			const downMs = k === 1 ? 4 * day + between(1, 6) * hour : between(k === 3 ? 2 : 0.25, 20) * hour;
			ups.push([upSince, at]);
			const upAgain = offSlot(at + downMs);
			downs.push([at, upAgain > at + 10 * 60_000 ? upAgain : upAgain + hour]);
			upSince = downs.at(-1)![1];
		}
	}
	ups.push([upSince, end]);
	const isUp = (at: number) => ups.find(([from, to]) => at >= from && at < to);
	const upAfter = (at: number) => ups.find(([from]) => from > at)!;

	// WhatsApp drops for 1-8 hours, three times, inside uptime.
	const offline: Array<[number, number]> = [];
	for (const d of [5, 14, 24]) {
		const wanted = start + (d + random()) * day;
		const [from, to] = isUp(wanted) ?? upAfter(wanted);
		const off = Math.max(wanted, from + hour);
		const back = Math.min(off + between(1, 8) * hour, to - hour);
		if (back - off > 30 * 60_000) offline.push([off, back]);
	}
	// The longest uptime after day 8 holds the garden group's unregistered stretch.
	const [pauseUpFrom, pauseUpTo] = [...ups].filter(([from, to]) => to > start + 8 * day && to - from > day).sort((a, b) => b[1] - b[0] - (a[1] - a[0]))[0]!;
	const pause = {folder: 'garden', from: pauseUpFrom + (pauseUpTo - pauseUpFrom) * 0.25, to: pauseUpFrom + (pauseUpTo - pauseUpFrom) * 0.6};

	const at40 = (at: number) => new Date(Math.floor(at / hour) * hour + 40 * 60_000).toISOString().replace('.000Z', 'Z');
	const downMid = (index: number) => (downs[index] ? (downs[index]![0] + downs[index]![1]) / 2 : start + (10 + index) * day);
	const tasks: PlanTask[] = [
		{name: 'family-8h', folder: 'family', scheduleType: 'interval', scheduleValue: String(8 * hour), misfire: 'catch-up', contextMode: 'group'},
		{name: 'work-daily-9', folder: 'work', scheduleType: 'cron', scheduleValue: '0 9 * * *', misfire: 'once', contextMode: 'group'},
		{name: 'club-monday', folder: 'club', scheduleType: 'cron', scheduleValue: '30 7 * * 1', misfire: 'skip', contextMode: 'group'},
		{name: 'choir-isolated', folder: 'choir', scheduleType: 'cron', scheduleValue: '0 12 */3 * *', misfire: 'once', contextMode: 'isolated'},
		{name: 'garden-12h', folder: 'garden', scheduleType: 'interval', scheduleValue: String(12 * hour), misfire: 'once', contextMode: 'group'},
		{name: 'family-once-skip', folder: 'family', scheduleType: 'once', scheduleValue: at40(downMid(1)), misfire: 'skip', contextMode: 'group'},
		{name: 'work-once-late', folder: 'work', scheduleType: 'once', scheduleValue: at40(downMid(3)), misfire: 'once', contextMode: 'group'},
		{name: 'club-once', folder: 'club', scheduleType: 'once', scheduleValue: at40(start + 20 * day + 14 * hour), misfire: 'once', contextMode: 'group'},
	];

	// Messages: two a day in each group that answers everything; chatter (in clumps) and a triggered
	// question a day in the two that need the trigger, with four bursts of 600 untriggered messages in one.
	let n = 0;
	const messages: PlanMessage[] = [];
	const message = (group: PlanGroup, at: number, triggered: boolean, words: string): PlanMessage => {
		const token = `m${++n}`;
		const text = triggered && group.requiresTrigger ? `@Baby ${token} ${words}` : `${token} ${words}`;
		const planned = {id: `IN${n}`, token, jid: group.jid, text, at: Math.floor(at), answerable: triggered || !group.requiresTrigger};
		messages.push(planned);
		return planned;
	};
	const [club, choir] = groups;
	for (let d = 0; d < 30; d++) {
		const dayStart = start + d * day;
		for (const group of groups.filter((g) => !g.requiresTrigger)) {
			for (let i = 0; i < 2; i++) message(group, dayStart + between(7, 22) * hour, true, 'hello');
		}
		const burst = [2, 9, 17, 25].includes(d);
		const at = dayStart + between(9, 20) * hour;
		for (let i = 0; i < (burst ? 600 : 3); i++) message(club!, at + i, false, 'chatter');
		message(club!, at + (burst ? 10 * 60_000 : 5 * 60_000), true, 'what did I miss?');
		for (let clump = 0; clump < 3; clump++) {
			const at = dayStart + between(8, 21) * hour;
			for (let i = 0; i < 10; i++) message(choir!, at + i * 1000, false, 'la la');
		}
		message(choir!, dayStart + between(21, 22) * hour, true, 'rehearsal when?');
	}
	messages.sort((a, b) => a.at - b.at);

	// Each message reaches the host when WhatsApp can deliver it: at once, after a restart, or after
	// WhatsApp returns. Messages of the garden group while it is unregistered are never sent.
	const deliveryOf = (at: number): number => {
		if (!isUp(at)) return deliveryOf(upAfter(at)[0] + 2000);
		// After WhatsApp returns, the channel reconnects at its next try (its backoff is at most 5
		// minutes): what is written meanwhile arrives after that.
		const reconnected = 6 * 60_000;
		const drop = offline.find(([from, to]) => at >= from && at < to + reconnected);
		return drop ? deliveryOf(drop[1] + reconnected) : at;
	};
	const batches = new Map<string, PlanEvent & {kind: 'messages'}>();
	const kept: PlanMessage[] = [];
	for (const planned of messages) {
		const deliverAt = deliveryOf(planned.at);
		if (planned.jid === groups[4]!.jid && deliverAt >= pause.from - 60_000 && deliverAt < pause.to + 60_000) continue;
		kept.push(planned);
		// What one chat receives within a minute arrives together (as WhatsApp delivers a burst).
		const key = `${Math.floor(deliverAt / 60_000)}|${planned.jid}`;
		const batch = batches.get(key) ?? {at: deliverAt, kind: 'messages' as const, jid: planned.jid, messages: []};
		batch.messages.push(planned);
		batches.set(key, batch);
	}

	const events: PlanEvent[] = [...batches.values()];
	downs.forEach(([at, upAgainAt], index) => {
		// Before a restart in the middle of a turn, the model holds that turn's request (`hold-N`).
		const hold = message(groups[2]!, at, true, hows[index]!.endsWith('mid-turn') ? `hold-${index} are you there?` : 'good night');
		kept.push(hold);
		events.push({at, kind: 'restart', how: hows[index]!, upAgainAt, hold});
	});
	for (const [from, to] of offline) events.push({at: from, kind: 'wa-offline'}, {at: to, kind: 'wa-online'});
	events.push({at: pause.from, kind: 'unregister', folder: pause.folder}, {at: pause.to, kind: 'register', folder: pause.folder});
	for (let d = 1; d < 30; d += 4) events.push({at: start + d * day + 3 * hour + 17 * 60_000, kind: 'sample'});
	events.sort((a, b) => a.at - b.at);
	return {seed, start, end, tasks, events, ups, pause, messages: kept};
}
