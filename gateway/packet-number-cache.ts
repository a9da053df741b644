/**
 * mqtt-packet, the codec under both aedes (the LAN broker) and mqtt.js (the uplink), builds a table of
 * 65,536 two-byte Buffers (packet ids, lengths) on its first write: 6 MiB of the idle daemon's 24 MiB
 * heap (issue 14, heap snapshot). Without it the codec writes those two bytes as it goes. mqtt.js's
 * `writeCache: false` would turn it off only when the uplink's client is made, which comes after the
 * local broker's first CONNACK to a device; the setting is process-wide, so it is made here, once.
 */
import { writeToStream } from 'mqtt-packet';

/** Turns the table off; called at daemon start, before any packet is written. */
export function skipPacketNumberCache(): void {
  writeToStream.cacheNumbers = false;
}
