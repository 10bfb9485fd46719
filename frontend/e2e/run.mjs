// `npm run e2e`: builds the app and the Go server (or uses $ECABINET_BIN),
// starts the server on a free 127.0.0.1 port with a fresh data directory
// (embedded SQLite and demo data), waits for /readyz, runs the browser tests
// in e2e/tests/ with node:test (E2E_ECABINET_BIN and E2E_DATA_DIR let them
// run the operator's commands on the same database), and always stops the
// server.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const frontend = fileURLToPath(new URL('..', import.meta.url));
const repo = join(frontend, '..');
const work = mkdtempSync(join(tmpdir(), 'ecabinet-e2e-'));

function run(cmd, args, cwd) {
	console.log(`$ ${cmd} ${args.join(' ')}`);
	const r = spawnSync(cmd, args, { cwd, stdio: 'inherit' });
	if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
}

function freePort() {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.on('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

async function waitReady(base, server, timeoutMs) {
	const deadline = Date.now() + timeoutMs;
	while (Date.now() < deadline) {
		if (server.exitCode !== null) throw new Error(`the server exited with code ${server.exitCode}`);
		try {
			const res = await fetch(`${base}/readyz`);
			if (res.ok) return;
		} catch {
			// not listening yet
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	throw new Error(`${base}/readyz did not answer 200 within ${timeoutMs / 1000}s`);
}

let server = null;
function stopServer() {
	if (!server || server.exitCode !== null) return Promise.resolve();
	return new Promise((resolve) => {
		const kill = setTimeout(() => server.kill('SIGKILL'), 5_000);
		server.once('exit', () => {
			clearTimeout(kill);
			resolve();
		});
		server.kill('SIGTERM');
	});
}

for (const sig of ['SIGINT', 'SIGTERM']) {
	process.on(sig, async () => {
		await stopServer();
		rmSync(work, { recursive: true, force: true });
		process.exit(130);
	});
}

let status = 1;
try {
	let bin = process.env.ECABINET_BIN;
	if (!bin) {
		run('npm', ['run', 'build'], frontend);
		bin = join(work, 'ecabinet');
		run('go', ['build', '-o', bin, './backend/cmd/ecabinet'], repo);
	}
	const port = await freePort();
	const base = `http://127.0.0.1:${port}`;
	const dataDir = join(work, 'data');
	server = spawn(bin, ['serve'], {
		env: {
			...process.env,
			ECABINET_ADDR: `127.0.0.1:${port}`,
			ECABINET_DATA_DIR: dataDir,
			ECABINET_LOG_LEVEL: process.env.ECABINET_LOG_LEVEL ?? 'warn'
		},
		stdio: ['ignore', 'inherit', 'inherit']
	});
	await waitReady(base, server, 60_000);
	console.log(`server ready on ${base}`);
	// E2E_FILES (space-separated paths under e2e/tests/) and E2E_GREP (a test
	// name pattern) narrow the run while working on one screen.
	const files = process.env.E2E_FILES ? process.env.E2E_FILES.split(/\s+/).filter(Boolean) : ['e2e/tests/'];
	const grep = process.env.E2E_GREP ? [`--test-name-pattern=${process.env.E2E_GREP}`] : [];
	const tests = spawnSync(
		process.execPath,
		['--test', '--test-concurrency=1', '--test-reporter=spec', ...grep, ...files],
		// The binary and its data directory, for tests that run the operator's commands.
		{ cwd: frontend, stdio: 'inherit', env: { ...process.env, E2E_BASE_URL: base, E2E_ECABINET_BIN: bin, E2E_DATA_DIR: dataDir } }
	);
	status = tests.status ?? 1;
} catch (err) {
	console.error(`e2e: ${err.message}`);
	status = 1;
} finally {
	await stopServer();
	rmSync(work, { recursive: true, force: true });
}
process.exit(status);
