/** The `camera` kind: an ONVIF / Hikvision ISAPI camera on the LAN (issue 11). */
import type { ConfigIssue } from '../module.js';
import { defineDriver } from '../module.js';
import { cameraSchema } from './config.js';

export const cameraModule = defineDriver({
  kind: 'camera',
  label: 'a camera',
  schema: cameraSchema,
  seams: [],
  load: async () => (await import('./camera.js')).createCamera,
  actions: [],
  events: ['camera.motion', 'camera.tamper', 'camera.input', 'camera.clock.drift', 'device.offline', 'device.online'],
  checks: (d, i, cfg) => {
    const issues: ConfigIssue[] = [];
    if (d.user && !d.passwordFile) issues.push({ path: ['devices', i, 'passwordFile'], message: `camera "${d.id}" has a user but no passwordFile; put the camera's password in a file (mode 0600) and name it here` });
    if (!d.onvif && !d.isapi) issues.push({ path: ['devices', i, 'onvif'], message: `camera "${d.id}" has no alarm source; keep onvif (the default) or add isapi: {}` });
    if (d.alarmInput) {
      const input = cfg.devices.find((x) => x.id === d.alarmInput) as { driver: string; kind?: string } | undefined;
      if (input?.driver !== 'alarm-input' || input.kind !== 'camera-alarm') issues.push({ path: ['devices', i, 'alarmInput'], message: `no alarm-input device "${d.alarmInput}" of kind camera-alarm; add one on the GPIO pin the camera's alarm-out is wired to, or remove alarmInput` });
    }
    return issues;
  },
});
