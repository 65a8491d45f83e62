// Benchmark: memory after a load of 1,000 messages over 20 groups (runtime none, 3 at once):
// the heap after a full GC, before and after, should stay flat (run node with --expose-gc).
import {runsEnded, withHost} from './e2e-bench.js';

export interface LoadResult {
	/** Heap after GC, before the load and after it (every run closed), in MB. */
	heapBeforeMb: number;
	heapAfterMb: number;
	growthMb: number;
	seconds: number;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

function settledHeap(): number {
	const gc = (globalThis as {gc?: () => void}).gc;
	if (!gc) throw new Error('run node with --expose-gc for the memory figure');
	gc();
	gc();
	return process.memoryUsage().heapUsed;
}

export async function measureLoadMemory(groups = 20, perGroup = 50): Promise<LoadResult> {
	return withHost(
		'none',
		200,
		async (host) => {
			const folders = Array.from({length: groups}, (_, i) => `g${i}`);
			for (const folder of folders) await host.registerGroup({jid: `${folder}@g.us`, name: folder, folder, requiresTrigger: false});
			// Done when every chat has had a turn covering its last message, and every run has closed.
			const load = async () => {
				const lastSent = new Map<string, number>();
				const answeredThrough = new Map<string, number>();
				const off = host.events.on('turn', (turn) => {
					if (turn.ok && turn.throughSeq) answeredThrough.set(turn.chatJid, Math.max(answeredThrough.get(turn.chatJid) ?? 0, turn.throughSeq));
				});
				for (let wave = 0; wave < perGroup; wave++) {
					for (const folder of folders) lastSent.set(`local:${folder}`, (await host.sendLocalMessage(folder, `message ${wave} for ${folder}`)).seq);
					await new Promise((resolve) => setImmediate(resolve));
				}
				while ([...lastSent].some(([chat, seq]) => (answeredThrough.get(chat) ?? 0) < seq)) await new Promise((resolve) => setTimeout(resolve, 20));
				off();
				await runsEnded(host);
			};
			await load(); // warm-up: code paths, caches, statements
			const before = settledHeap();
			const start = performance.now();
			await load();
			const seconds = Math.round((performance.now() - start) / 100) / 10;
			const after = settledHeap();
			return {heapBeforeMb: mb(before), heapAfterMb: mb(after), growthMb: mb(after - before), seconds};
		},
		{MAX_CONCURRENT_CONTAINERS: '3'},
	);
}
