/**
 * The words of the status view, in Simplified Chinese and English: one table for the status page and
 * `vgw status` (for the lead to fold into provisioning/i18n's catalogue). Values with `{name}` take
 * parameters.
 */
/** The languages of the status view. */
export const LANGS = ['zh', 'en'] as const;
/** One of LANGS. */
export type Lang = (typeof LANGS)[number];

const TEXT = {
  title: { zh: '村级网关状态', en: 'Village gateway status' },
  gateway: { zh: '网关', en: 'Gateway' },
  township: { zh: '乡镇', en: 'Township' },
  version: { zh: '版本', en: 'Version' },
  uptime: { zh: '运行时长', en: 'Up for' },
  uplink: { zh: '上联', en: 'Uplink' },
  'uplink.connected': { zh: '已连接', en: 'connected' },
  'uplink.connecting': { zh: '连接中', en: 'connecting' },
  'uplink.disconnected': { zh: '已断开', en: 'disconnected' },
  'uplink.unknown': { zh: '未知（网关未运行）', en: 'unknown (daemon not running)' },
  since: { zh: '自 {time}', en: 'since {time}' },
  backlog: { zh: '待上传', en: 'Backlog' },
  'backlog.line': { zh: '{depth} 条，最早 {oldest}，{eta}', en: '{depth} waiting, oldest {oldest}, {eta}' },
  'backlog.eta': { zh: '预计 {d} 传完', en: 'drained in {d}' },
  'backlog.empty': { zh: '无', en: 'empty' },
  'eta.unknown': { zh: '暂未在上传', en: 'not draining now' },
  devices: { zh: '设备', en: 'Devices' },
  device: { zh: '设备', en: 'Device' },
  kind: { zh: '类型', en: 'Kind' },
  state: { zh: '状态', en: 'State' },
  'last.event': { zh: '最近事件', en: 'Last event' },
  online: { zh: '在线', en: 'online' },
  offline: { zh: '离线', en: 'offline' },
  degraded: { zh: '故障', en: 'degraded' },
  never: { zh: '无', en: 'none' },
  ago: { zh: '{d}前', en: '{d} ago' },
  zones: { zh: '防区', en: 'Zones' },
  armed: { zh: '布防', en: 'armed' },
  disarmed: { zh: '撤防', en: 'disarmed' },
  'zones.none': { zh: '未配置防区', en: 'no zones configured' },
  recent: { zh: '最近 10 条事件', en: 'Last 10 events' },
  'recent.none': { zh: '启动以来无事件', en: 'no events since start' },
  time: { zh: '时间', en: 'Time' },
  type: { zh: '事件', en: 'Type' },
  severity: { zh: '级别', en: 'Severity' },
  health: { zh: '健康', en: 'Health' },
  healthy: { zh: '正常', en: 'healthy' },
  unhealthy: { zh: '异常', en: 'unhealthy' },
  refreshed: { zh: '每 {sec} 秒自动刷新，更新于 {time}', en: 'refreshes every {sec} s, updated {time}' },
  'daemon.down': { zh: '网关守护进程未运行（{socket} 无应答）；以下为数据库中的只读信息。', en: 'The gateway daemon is not running (no answer on {socket}); what follows is read from the database, read-only.' },
  'daemon.nodb': { zh: '数据目录中没有数据库：{file}', en: 'No database in the data directory: {file}' },
  'recent.undelivered': { zh: '（仅未上传的事件）', en: '(undelivered events only)' },
  'reload.sent': { zh: '已向网关（进程 {pid}）发送重新加载信号，等待结果…', en: 'Sent the reload signal to the gateway (pid {pid}); waiting for its answer…' },
  'reload.nodaemon': { zh: '网关未运行（{file} 未被锁定）；无需重新加载，直接启动：systemctl start vgw', en: 'The gateway is not running ({file} is not locked); nothing to reload, start it: systemctl start vgw' },
  'reload.done': { zh: '网关已应用新配置：{summary}', en: 'The gateway applied the new config: {summary}' },
  'reload.refused': { zh: '网关拒绝了新配置，仍按旧配置运行：{error}', en: 'The gateway refused the new config and keeps running the old one: {error}' },
  'reload.noanswer': { zh: '{sec} 秒内网关未报告重新加载结果；查看日志：journalctl -u vgw', en: 'The gateway did not report the reload within {sec} s; see its log: journalctl -u vgw' },
  'reload.unchanged': { zh: '无变化', en: 'nothing changed' },
} as const satisfies Record<string, Record<Lang, string>>;

/** A key of the table. */
export type TextKey = keyof typeof TEXT;

/** The text of `key` in `lang`, with `{name}` replaced from `params`. */
export function t(lang: Lang, key: TextKey, params: Record<string, string | number> = {}): string {
  return TEXT[key][lang].replace(/\{(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m));
}

/** `zh` or `en` from `--lang`, `?lang=`, an Accept-Language header or a locale (`zh_CN.UTF-8`); English otherwise. */
export function pickLang(...hints: (string | undefined)[]): Lang {
  for (const hint of hints) {
    if (!hint) continue;
    const first = hint.split(',')[0]?.trim().toLowerCase() ?? '';
    if (first.startsWith('zh')) return 'zh';
    if (first.startsWith('en')) return 'en';
  }
  return 'en';
}

/** A duration for people: `42 s`, `5 min`, `3 h 10 min`, `2 d 4 h` (Chinese: 秒 分 小时 天). */
export function duration(lang: Lang, sec: number): string {
  const u = lang === 'zh' ? { s: ' 秒', m: ' 分', h: ' 小时', d: ' 天' } : { s: ' s', m: ' min', h: ' h', d: ' d' };
  const s = Math.max(0, Math.round(sec));
  if (s < 60) return `${s}${u.s}`;
  if (s < 3600) return `${Math.floor(s / 60)}${u.m}`;
  if (s < 86400) return `${Math.floor(s / 3600)}${u.h} ${Math.floor((s % 3600) / 60)}${u.m}`;
  return `${Math.floor(s / 86400)}${u.d} ${Math.floor((s % 86400) / 3600)}${u.h}`;
}
