/**
 * The seam between LAN drivers and the local broker: a driver attaches a handler for its device id and
 * publishes commands to it. The broker awaits `onMessage` before acknowledging a QoS 1 publish, which is
 * how a device's PUBACK comes only after its event is committed.
 */
import type { LocalKind } from '../gateway/kernel/topics.js';

export type DisconnectReason = 'disconnect' | 'will';

export interface LocalDeviceHandler {
  /**
   * A publish from the device under `dev/{device}/{kind}` (`isWill`: its last will, sent by the broker
   * when the connection died); resolve when it is safely handled.
   */
  onMessage(kind: Exclude<LocalKind, 'cmd'> | 'other', payload: Buffer, isWill: boolean): Promise<void>;
  onConnect(): void;
  onDisconnect(reason: DisconnectReason): void;
}

export interface LocalBus {
  attach(device: string, handler: LocalDeviceHandler): void;
  detach(device: string): void;
  /** Publishes to `dev/{device}/cmd` (QoS 1). */
  sendCommand(device: string, payload: Buffer): Promise<void>;
}
