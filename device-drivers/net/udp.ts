/**
 * The UDP seam (door controllers speak UDP): a bound socket that hands each datagram to a handler and
 * sends replies. The real one is node:dgram; tests use it on loopback, where it is its own twin.
 */
import { createSocket } from 'node:dgram';

/** One datagram and where it came from. */
export interface Datagram {
  bytes: Buffer;
  address: string;
  port: number;
}

export interface UdpSocket {
  /** The bound port (the one asked for, or the one picked for 0). */
  readonly port: number;
  send(bytes: Buffer, port: number, address: string): Promise<void>;
  close(): Promise<void>;
}

export interface UdpNetwork {
  /** Binds `port` on `host` (0: any free port) and calls `onDatagram` for each datagram (at most `maxBytes` each; longer ones are dropped). */
  bind(options: { host: string; port: number; maxBytes: number }, onDatagram: (d: Datagram) => void): Promise<UdpSocket>;
}

/** UDP through node:dgram. */
export const systemUdp: UdpNetwork = {
  async bind({ host, port, maxBytes }, onDatagram) {
    const socket = createSocket('udp4');
    socket.on('message', (bytes, rinfo) => {
      if (bytes.length <= maxBytes) onDatagram({ bytes, address: rinfo.address, port: rinfo.port });
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, host, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    return {
      port: socket.address().port,
      send: (bytes, toPort, address) => new Promise<void>((resolve, reject) => socket.send(bytes, toPort, address, (err) => (err ? reject(err) : resolve()))),
      close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
    };
  },
};
