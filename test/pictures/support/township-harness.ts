/**
 * One township per test file: a real Mosquitto and a probe on it (kept for the file), and per test a
 * SlowLink and a picture gateway behind it, stopped after each test.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { Gateway } from '../../../gateway/create-gateway.js';
import { Mosquitto } from '../../support/mosquitto.js';
import { TownshipProbe } from '../../support/township.js';
import { startPictureGateway, type PictureGatewayOptions } from './picture-gateway.js';
import { SlowLink } from './slow-link.js';

export interface HarnessStart extends Omit<PictureGatewayOptions, 'uplinkUrl'> {
  /** The link starts down (an outage): pictures and events wait in the outbox. */
  down?: boolean;
  /** Pace the link to this many bytes per second (0: full speed). */
  linkBytesPerSec?: number;
}

export function pictureTownship() {
  const broker = new Mosquitto();
  const h = {
    probe: null as unknown as TownshipProbe,
    link: null as unknown as SlowLink,
    gateway: null as Gateway | null,
    async start(o: HarnessStart = {}) {
      h.link = new SlowLink(broker.port);
      h.link.mode = o.down ? 'down' : 'pass';
      h.link.bytesPerSec = o.linkBytesPerSec ?? 0;
      await h.link.start();
      const started = await startPictureGateway({ ...o, uplinkUrl: h.link.url });
      h.gateway = started.gateway;
      return started;
    },
  };
  beforeAll(async () => {
    await broker.start();
    h.probe = await TownshipProbe.connect(broker.url);
  });
  afterEach(async () => {
    await h.gateway?.stop();
    h.gateway = null;
    await h.link?.stop();
    h.probe.messages.length = 0;
    h.probe.events.length = 0;
  });
  afterAll(async () => {
    await h.probe?.close();
    await broker.stop();
  });
  return h;
}
