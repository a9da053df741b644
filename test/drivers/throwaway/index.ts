/** A driver kind that lives only in the test folder (issue 9): a "chime" that counts its rings and takes UDP pings. */
import { z } from 'zod';
import { deviceCommon } from '../../../device-drivers/device-common.js';
import type { DriverHealth } from '../../../device-drivers/driver.js';
import { defineDriver } from '../../../device-drivers/module.js';
import type { UdpSocket } from '../../../device-drivers/net/udp.js';

export const chimeSchema = z.object({ ...deviceCommon, driver: z.literal('test-chime'), /** Tone name. */ tone: z.string().min(1).default('ding') }).strict();

/** Rings seen by every chime driver in this process, by device id. */
export const rings = new Map<string, { tone: string; times: number }[]>();
/** The UDP port each chime bound, by device id. */
export const udpPorts = new Map<string, number>();

export const chimeModule = defineDriver({
  kind: 'test-chime',
  label: 'a test chime',
  schema: chimeSchema,
  seams: ['udp'],
  actions: ['ring'],
  commands: [{ name: 'chime.ring', role: 'door', params: z.object({ times: z.number().int().min(1).max(5) }).strict(), action: 'ring' }],
  events: ['chime.rang', 'chime.pinged'],
  load: async () => (ctx) => {
    let socket: UdpSocket | null = null;
    let health: DriverHealth = { status: 'stopped', online: false };
    return {
      async start(signal) {
        if (signal?.aborted) throw new Error('start aborted');
        socket = await ctx.seams.udp.bind({ host: '127.0.0.1', port: 0, maxBytes: 512 }, (d) => {
          void ctx.emit({ type: 'chime.pinged', data: { text: d.bytes.toString() }, attachment: { bytes: d.bytes, contentType: 'text/plain' } });
        });
        udpPorts.set(ctx.device.id, socket.port);
        ctx.storage.set('started', String((Number(ctx.storage.get('started') ?? 0)) + 1));
        health = { status: 'degraded', online: true, detail: 'test chime has no speaker' };
        await ctx.setState({ online: true, state: { starts: Number(ctx.storage.get('started')) } });
      },
      async stop() {
        await socket?.close();
        health = { status: 'stopped', online: false };
      },
      health: () => health,
      async handleAction(action) {
        const times = typeof action.params.times === 'number' ? action.params.times : 1;
        rings.set(ctx.device.id, [...(rings.get(ctx.device.id) ?? []), { tone: ctx.device.tone, times }]);
        await ctx.emit({ type: 'chime.rang', data: { times } });
      },
    };
  },
});
