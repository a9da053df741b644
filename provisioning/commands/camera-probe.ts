/**
 * `vgw camera probe URL --user U --password-file F`: an installer's check of one camera before it goes
 * into the config (摄像机检测): reachable, login accepted, ONVIF services, event topics offered,
 * a snapshot fetched (size and resolution from the JPEG's frame header), clock drift. Each line says
 * what was found; a failure says what to fix. Exit 0 when the camera can be used, 1 when not. The
 * flags are defined in camera-command.ts; this file is imported only when a probe runs (issue 14).
 */
import { CameraHttp, CameraHttpError } from '../../device-drivers/camera/camera-http.js';
import { readCameraPassword } from '../../device-drivers/camera/camera.js';
import { jpegSize } from '../../device-drivers/camera/jpeg.js';
import { OnvifClient } from '../../device-drivers/camera/onvif.js';
import { fetchSnapshot } from '../../device-drivers/camera/snapshot.js';
import { CliError } from './cli-error.js';

export interface ProbeOptions {
  user?: string | undefined;
  passwordFile?: string | undefined;
  snapshotUrl?: string | undefined;
  onvifPath: string;
  timeout: number;
  driftMax: number;
}

/** Short names of the ONVIF service namespaces people know. */
const SERVICE = /\/ver\d+\/(\w+)\/wsdl$/;

const reasonText = (err: unknown): string => (err instanceof CameraHttpError ? `${err.reason}: ${err.message}` : (err as Error).message);

/** Probes the camera at `url`; prints one line per finding; returns the exit code. */
export async function probeCamera(url: string, o: ProbeOptions, print: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  let base: URL;
  try {
    base = new URL(url);
  } catch {
    throw new CliError(`"${url}" is not a URL; give the camera's address like http://192.168.1.64`, 2);
  }
  if (base.protocol !== 'http:') throw new CliError(`"${url}" is not an http:// address; cameras are probed over http, e.g. http://192.168.1.64`, 2);
  if (o.user && !o.passwordFile) throw new CliError('--user needs --password-file: put the camera password in a file (mode 0600) and name it', 2);
  let creds = null;
  if (o.user) {
    try {
      creds = { user: o.user, password: readCameraPassword({ id: 'probe', passwordFile: o.passwordFile }) };
    } catch (err) {
      throw new CliError((err as Error).message.replace(/^passwordFile (".*") of camera "probe"/, '--password-file $1'), 2);
    }
  }
  const http = new CameraHttp(creds);
  const onvif = new OnvifClient(http, base, o.onvifPath, creds, () => Date.now(), o.timeout);
  let usable = true;
  print(`camera ${base.origin} (摄像机检测)`);

  const started = Date.now();
  try {
    await http.fetch(base.toString(), { timeoutMs: o.timeout, maxBytes: 256 * 1024 }).catch((err: unknown) => {
      if (!(err instanceof CameraHttpError && (err.reason === 'http-401' || err.reason === 'too-large'))) throw err;
    });
    print(`  reachable     ok (${Date.now() - started} ms)`);
  } catch (err) {
    print(`  reachable     FAILED (${reasonText(err)}): check the address, the cable and that the camera is powered / 检查地址、网线和电源`);
    return verdict(false, print);
  }

  try {
    const { driftMs } = await onvif.systemDateAndTime();
    const sec = driftMs / 1000;
    const off = Math.abs(sec) > o.driftMax;
    print(`  clock         ${sec >= 0 ? '+' : ''}${sec.toFixed(1)} s against this box${off ? ` — over ${o.driftMax} s: set NTP or the time on the camera / 请校准摄像机时间` : ' ok'}`);
  } catch (err) {
    print(`  onvif         not answering at ${o.onvifPath} (${reasonText(err)}): enable ONVIF on the camera, or use isapi only`);
  }

  try {
    const services = await onvif.services();
    const names = services.map((s) => SERVICE.exec(s.namespace)?.[1] ?? s.namespace);
    print(`  auth          ok${creds ? ` (user ${creds.user}, WS-Security digest)` : ' (no login needed)'}`);
    print(`  services      ${names.join(', ')} (${services.length})`);
    const topics = await onvif.eventTopics().catch(() => null);
    print(topics ? `  event topics  ${topics.length ? topics.join(', ') : 'none offered'}` : '  event topics  the camera did not list them (GetEventProperties)');
  } catch (err) {
    const refused = err instanceof CameraHttpError && (err.reason === 'not-authorized' || err.reason === 'http-401');
    if (refused) {
      print(`  auth          REFUSED: the camera refused user "${o.user ?? ''}"; check --user and the password file / 用户名或密码错误`);
      return verdict(false, print);
    } else print(`  services      not listed (${reasonText(err)})`);
  }

  let snapshotUrl = o.snapshotUrl ? new URL(o.snapshotUrl, base).toString() : null;
  let from = '--snapshot-url';
  if (!snapshotUrl) {
    snapshotUrl = await onvif.snapshotUri().catch(() => null);
    from = 'ONVIF GetSnapshotUri';
  }
  if (!snapshotUrl) {
    print('  snapshot      no URL: the camera gave no ONVIF snapshot URI; pass --snapshot-url (Hikvision: /ISAPI/Streaming/channels/101/picture)');
    return verdict(false, print);
  }
  const t0 = Date.now();
  const shot = await fetchSnapshot(http, snapshotUrl, { timeoutMs: o.timeout, maxBytes: 16 * 1024 * 1024 });
  if (shot.ok) {
    const size = jpegSize(shot.bytes);
    print(`  snapshot      ok: ${shot.bytes.length} bytes, ${size ? `${size.width}x${size.height}` : 'size unknown'} JPEG in ${Date.now() - t0} ms (${from}${http.scheme ? `, ${http.scheme}` : ''})`);
  } else {
    usable = false;
    print(`  snapshot      FAILED (${shot.error.reason}): ${shot.error.detail}`);
  }
  return verdict(usable, print);
}

function verdict(usable: boolean, print: (line: string) => void): number {
  print(usable ? 'camera usable / 摄像机可用' : 'camera NOT usable: fix the lines marked above / 请按上面提示处理');
  return usable ? 0 : 1;
}
