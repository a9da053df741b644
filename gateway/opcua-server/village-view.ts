/**
 * What the gateway's OPC UA server shows (issue 15): every variable under Objects/Village with its
 * current value, read from the gateway's parts. Zone alarms are followed on the event bus: an alarm
 * event of a device in the zone raises it, its restore or the zone's disarm clears it.
 */
import type { ServerValue } from '../../device-drivers/opcua/ipc.js';
import type { BusEvent } from '../event-bus.js';

export interface VillageSources {
  zones: readonly string[];
  isArmed(zone: string): boolean;
  /** Devices by id with their zone and whether they are doors. */
  devices: readonly { id: string; zone?: string | undefined; door: boolean }[];
  online(device: string): boolean;
  backlog(): number;
  uplinkConnected(): boolean;
  queueLength(): number;
}

/** Event types that end an alarm (alarm-input's `alarm.restored`, OPC UA rules' restore types, ...). */
const ENDS_ALARM = /\.(restored|released|normal|cleared)$/;

export class VillageView {
  private readonly alarms = new Map<string, Set<string>>();
  private readonly doors = new Map<string, string>();
  private readonly zoneOf: Map<string, string>;

  constructor(private readonly s: VillageSources) {
    this.zoneOf = new Map(s.devices.flatMap((d) => (d.zone ? [[d.id, d.zone]] : [])));
  }

  /** Follows alarm, door and disarm events; returns whether the view changed. */
  observe(e: BusEvent): boolean {
    if (e.type === 'zone.disarmed') {
      for (const zone of (e.data.zones as string[] | undefined) ?? [e.data.zone as string]) this.alarms.delete(zone);
      return true;
    }
    if (e.category === 'door' && this.s.devices.some((d) => d.id === e.device && d.door)) {
      this.doors.set(e.device, e.type);
      return true;
    }
    const zone = this.zoneOf.get(e.device);
    if (!zone || e.category !== 'alarm') return false;
    const active = this.alarms.get(zone) ?? new Set<string>();
    if (ENDS_ALARM.test(e.type)) active.delete(e.device);
    else active.add(e.device);
    this.alarms.set(zone, active);
    return true;
  }

  values(): ServerValue[] {
    const { s } = this;
    return [
      { path: ['Gateway', 'OutboxBacklog'], type: 'UInt32', value: s.backlog() },
      { path: ['Gateway', 'UplinkConnected'], type: 'Boolean', value: s.uplinkConnected() },
      { path: ['Loudspeakers', 'QueueLength'], type: 'UInt32', value: s.queueLength() },
      ...s.zones.flatMap((z): ServerValue[] => [
        { path: ['Zones', z, 'Armed'], type: 'Boolean', value: s.isArmed(z) },
        { path: ['Zones', z, 'Alarm'], type: 'Boolean', value: (this.alarms.get(z)?.size ?? 0) > 0 },
      ]),
      ...s.devices.filter((d) => d.door).map((d): ServerValue => ({ path: ['Doors', d.id, 'State'], type: 'String', value: this.doors.get(d.id) ?? 'unknown' })),
      ...s.devices.map((d): ServerValue => ({ path: ['Devices', d.id, 'Online'], type: 'Boolean', value: s.online(d.id) })),
    ];
  }
}
