/**
 * Every seam the gateway can hand a driver (real in the daemon, simulated in tests and the demo); each
 * module names the ones it uses and gets only those.
 */
import type { AccessControl } from './access.js';
import type { ZoneView } from './alarm-input/alarm-input.js';
import type { Gpio } from './gpio/gpio.js';
import type { LocalBus } from './local-bus.js';
import type { AmplifierPower } from './loudspeaker/amplifier.js';
import type { LoudspeakerDeviceConfig } from './loudspeaker/config.js';
import type { AudioBackend } from './loudspeaker/speaker.js';
import type { SpeechEngine } from './loudspeaker/speech.js';
import type { HttpClient } from './net/http.js';
import type { OpcuaHost } from './opcua/host.js';
import type { UdpNetwork } from './net/udp.js';
import type { DeviceAction } from './driver.js';

/** Runs an action on another mounted device (a loudspeaker switching its amplifier's relay). */
export interface DeviceActions {
  act(device: string, action: DeviceAction): Promise<void>;
  /** Whether the device's driver has stopped (so an `off` is moot). */
  stopped(device: string): boolean;
}

export interface GatewaySeams {
  /** The village LAN broker (`dev/{id}/...`). */
  bus: LocalBus;
  /** GPIO pins: the system's, or simulated. */
  gpio: Gpio;
  /** Zone arming, as alarm inputs read it. */
  zones: ZoneView;
  /** Sound-card playback; without one a loudspeaker cannot start. */
  audio: AudioBackend | undefined;
  /** A loudspeaker's amplifier switch; unset: through its relay device (`deviceActions`). */
  amplifierPower: ((device: LoudspeakerDeviceConfig) => AmplifierPower) | undefined;
  /** Actions on other devices. */
  deviceActions: DeviceActions;
  /** UDP sockets (door controllers). */
  udp: UdpNetwork;
  /** HTTP requests (cameras). */
  http: HttpClient;
  /** Access decisions and the whitelist (issue 10); create-gateway.ts always builds the service. */
  access: AccessControl;
  /** The OPC UA child process (issue 15): forked on first use, so node-opcua stays out of the daemon. */
  opcua: OpcuaHost;
  /** Text-to-speech for notices; used by the broadcast queue, not a driver. */
  speech: SpeechEngine | undefined;
}

/** A seam's name. */
export type SeamName = keyof GatewaySeams;
