import type { Server } from 'node:net';
import { ExternalError } from '../../errors/errors.js';

/**
 * Listens on 127.0.0.1:`port` (0 picks a free one) and resolves with the port. Rejects with an
 * ExternalError (exit 4) naming `workload.servicePort` when the port is taken or cannot be opened:
 * both Service stand-ins listen on the port the scenario asks for.
 */
export async function listenOnLoopback(server: Server, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const what = err.code === 'EADDRINUSE' ? 'is already in use' : `cannot be opened (${err.code ?? err.message})`;
      reject(new ExternalError(`service proxy: port ${port} on 127.0.0.1 ${what}`, {
        hint: 'pick another workload.servicePort in the scenario, or 0 to use a free port',
        cause: err,
      }));
    };
    server.once('error', onError);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
  return (server.address() as { port: number }).port;
}
