/**
 * The methods of the gateway's OPC UA server (issue 15) and the router command each one becomes:
 * the same commands, roles and parameter checks as the township's signed MQTT commands.
 */
import type { MethodSpec } from '../../device-drivers/opcua/ipc.js';

export interface MethodRoute extends MethodSpec {
  /** The router command it runs. */
  command: string;
  /** Its arguments (by name) as the command's params. */
  params(args: Record<string, string | number>): Record<string, unknown>;
}

export const METHODS: readonly MethodRoute[] = [
  {
    name: 'Arm',
    description: 'Arms a zone (command zone.arm, role arm)',
    args: [{ name: 'Zone', type: 'String', description: 'the zone name, as in the config' }],
    command: 'zone.arm',
    params: (a) => ({ zones: [a.Zone] }),
  },
  {
    name: 'Disarm',
    description: 'Disarms a zone and silences its alarms (command zone.disarm, role arm)',
    args: [{ name: 'Zone', type: 'String', description: 'the zone name, as in the config' }],
    command: 'zone.disarm',
    params: (a) => ({ zones: [a.Zone] }),
  },
  {
    name: 'UnlockDoor',
    description: 'Unlocks a door for some seconds (command door.unlock, role door)',
    args: [
      { name: 'Door', type: 'String', description: 'the door device id' },
      { name: 'Seconds', type: 'UInt32', description: 'how long it stays unlocked' },
    ],
    command: 'door.unlock',
    params: (a) => ({ door: a.Door, seconds: a.Seconds }),
  },
  {
    name: 'Broadcast',
    description: 'Speaks a notice on the village loudspeakers (command broadcast, role broadcast)',
    args: [
      { name: 'Text', type: 'String', description: 'the text spoken (Mandarin text-to-speech)' },
      { name: 'Priority', type: 'String', description: '"emergency" or "normal"' },
    ],
    command: 'broadcast',
    params: (a) => ({ text: a.Text, priority: a.Priority }),
  },
];
