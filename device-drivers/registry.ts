/** Driver kinds by the `driver` key of a device's config. */
import type { DeviceConfig } from '../gateway/config/schema.js';
import { createAlarmInput, type AlarmInputSeams } from './alarm-input/alarm-input.js';
import type { Driver, DriverContext } from './driver.js';
import { createIpSpeaker } from './loudspeaker/ip-speaker.js';
import { createLoudspeaker, type LoudspeakerSeams } from './loudspeaker/loudspeaker.js';
import type { SpeechEngine } from './loudspeaker/speech.js';
import { createMqttDevice, type MqttDeviceSeams } from './mqtt-device.js';
import { createRelay } from './relay/relay.js';

/**
 * Every hardware seam the gateway can offer (real in the daemon, simulated in tests and the demo);
 * each driver is handed the subset it uses.
 */
export type HardwareSeams = MqttDeviceSeams & LoudspeakerSeams & AlarmInputSeams & {
  /** Text-to-speech for notices (espeak-ng, or simulated); used by the broadcast queue, not a driver. */
  speech?: SpeechEngine | undefined;
};

type BaseContext = Omit<DriverContext, 'device' | 'seams'>;

export function createDriver(device: DeviceConfig, ctx: BaseContext, seams: HardwareSeams): Driver {
  switch (device.driver) {
    case 'mqtt':
      return createMqttDevice({ ...ctx, device, seams: { bus: seams.bus } });
    case 'loudspeaker':
      return createLoudspeaker({ ...ctx, device, seams: { audio: seams.audio, amplifierPower: seams.amplifierPower } });
    case 'ip-speaker':
      return createIpSpeaker({ ...ctx, device, seams: { bus: seams.bus } });
    case 'alarm-input':
      return createAlarmInput({ ...ctx, device, seams: { gpio: seams.gpio, zones: seams.zones } });
    case 'relay':
      return createRelay({ ...ctx, device, seams: { gpio: seams.gpio } });
  }
}
