// The log file on disk rotates by size: the log folder never holds more than LOG_MAX_FILES files of
// LOG_MAX_SIZE, the newest lines in babybot.log, the order kept across the files.
import fs from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {RotatingLogFile, rotatedNames} from '../src/log-rotation.js';
import {createLogger} from '../src/logger.js';
import {tempHome} from './support/temp-home.js';

describe('log rotation', () => {
	it.each([
		[1, ['/l/babybot.log']],
		[3, ['/l/babybot.log', '/l/babybot.log.1', '/l/babybot.log.2']],
		[0, ['/l/babybot.log']],
	])('keeps %i files: %j', (maxFiles, names) => {
		expect(rotatedNames('/l/babybot.log', maxFiles)).toEqual(names);
	});

	it('rotates before a file passes the size, keeps the newest files and the order of the lines', () => {
		const dir = path.join(tempHome().root, 'logs');
		const file = path.join(dir, 'babybot.log');
		const log = new RotatingLogFile({file, maxBytes: 1000, maxFiles: 3});
		for (let i = 0; i < 500; i++) log.write(`line ${String(i).padStart(4, '0')} ${'x'.repeat(40)}\n`);
		log.close();
		expect(fs.readdirSync(dir).sort()).toEqual(['babybot.log', 'babybot.log.1', 'babybot.log.2']);
		const files = ['babybot.log.2', 'babybot.log.1', 'babybot.log'].map((name) => fs.readFileSync(path.join(dir, name), 'utf8'));
		for (const text of files) expect(Buffer.byteLength(text)).toBeLessThanOrEqual(1000);
		const numbers = files.join('').split('\n').filter(Boolean).map((line) => Number(line.slice(5, 9)));
		expect(numbers.at(-1)).toBe(499);
		expect(numbers).toEqual(Array.from({length: numbers.length}, (_, i) => numbers[0]! + i));
		expect(numbers.length).toBeGreaterThan(40);
	});

	it('rotates along a copy another process appends to (the service manager\'s service.log), by copy and truncate', () => {
		const dir = path.join(tempHome().root, 'logs');
		fs.mkdirSync(dir, {recursive: true});
		const service = path.join(dir, 'service.log');
		// The service manager's file descriptor: opened once for appending, written through all along.
		const manager = fs.openSync(service, 'a');
		const log = new RotatingLogFile({file: path.join(dir, 'babybot.log'), maxBytes: 1000, maxFiles: 3, companions: [service]});
		for (let i = 0; i < 300; i++) {
			const line = `line ${String(i).padStart(4, '0')} ${'x'.repeat(40)}\n`;
			log.write(line);
			fs.writeSync(manager, line);
		}
		log.close();
		fs.closeSync(manager);
		expect(fs.readdirSync(dir).sort()).toEqual(['babybot.log', 'babybot.log.1', 'babybot.log.2', 'service.log', 'service.log.1', 'service.log.2']);
		// Looked at when babybot.log rotates: never more than twice the size.
		for (const name of ['service.log', 'service.log.1', 'service.log.2']) expect(fs.statSync(path.join(dir, name)).size).toBeLessThanOrEqual(2 * 1000);
		// Appending after the truncate starts the file again: no hole of zeros before the new lines.
		expect(fs.readFileSync(service, 'utf8').startsWith('line ')).toBe(true);
		expect(fs.readFileSync(service, 'utf8').trim().split('\n').at(-1)).toMatch(/^line 0299/);
	});

	it('a host logger writes through it; older files beyond LOG_MAX_FILES are removed at start', () => {
		const logsDir = path.join(tempHome().root, 'logs');
		fs.mkdirSync(logsDir, {recursive: true});
		for (const name of ['babybot.log.2', 'babybot.log.3', 'babybot.log.4']) fs.writeFileSync(path.join(logsDir, name), 'from an earlier host\n');
		const {logger, flush} = createLogger({logsDir, level: 'info', rotation: {maxBytes: 4096, maxFiles: 2}, clock: {now: () => Date.parse('2026-03-01T00:00:00Z'), setTimer: () => () => {}}});
		for (let i = 0; i < 200; i++) logger.info({i}, 'a line of the host');
		flush();
		logger.info('after the host stopped: not kept');
		expect(fs.readdirSync(logsDir).sort()).toEqual(['babybot.log', 'babybot.log.1']);
		const lines = fs.readFileSync(path.join(logsDir, 'babybot.log'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as {time: number; i: number});
		expect(lines.at(-1)).toMatchObject({i: 199, time: Date.parse('2026-03-01T00:00:00Z')});
	});
});
