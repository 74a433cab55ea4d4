import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {Socket} from 'node:net';

/**
 * An HTTP server on 127.0.0.1 for the fake remote services: a free port, and a close that also
 * ends connections a test left hanging (the fakes hang requests on purpose).
 */
export class LoopbackServer {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  port = 0;

  private constructor(handle: (req: IncomingMessage, res: ServerResponse) => void) {
    this.server = createServer(handle);
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async listen(handle: (req: IncomingMessage, res: ServerResponse) => void): Promise<LoopbackServer> {
    const l = new LoopbackServer(handle);
    await new Promise<void>((resolve) => l.server.listen(0, '127.0.0.1', resolve));
    l.port = (l.server.address() as {port: number}).port;
    return l;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
