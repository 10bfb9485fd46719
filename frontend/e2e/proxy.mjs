// A pass-through HTTP and WebSocket proxy to the server under test, which a
// test can close to cut the app off from its server for real (the browser's
// offline emulation does not reach everything, such as a service worker's fetches).
import { request, createServer } from 'node:http';
import { connect } from 'node:net';

export async function startProxy(target, port = 0) {
	const t = new URL(target);
	const sockets = new Set();
	const server = createServer((req, res) => {
		const up = request(
			{ host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers },
			(upRes) => {
				res.writeHead(upRes.statusCode ?? 502, upRes.rawHeaders);
				upRes.pipe(res);
			}
		);
		up.on('error', () => res.destroy());
		req.pipe(up);
	});
	server.on('upgrade', (req, socket, head) => {
		const up = connect(Number(t.port), t.hostname, () => {
			const lines = [`${req.method} ${req.url} HTTP/1.1`];
			for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
			up.write(lines.join('\r\n') + '\r\n\r\n');
			up.write(head);
			socket.pipe(up).pipe(socket);
		});
		for (const s of [socket, up]) {
			sockets.add(s);
			s.on('close', () => sockets.delete(s));
			s.on('error', () => s.destroy());
		}
	});
	server.on('connection', (s) => {
		sockets.add(s);
		s.on('close', () => sockets.delete(s));
	});
	await new Promise((resolve) => server.listen(port, '127.0.0.1', resolve));
	const { port: actual } = server.address();
	return {
		url: `http://127.0.0.1:${actual}`,
		port: actual,
		close: () =>
			new Promise((resolve) => {
				for (const s of sockets) s.destroy();
				server.close(() => resolve());
			})
	};
}
