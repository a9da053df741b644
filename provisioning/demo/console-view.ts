/** One readable line per township message, for the demo (the monitor console of a later issue grows from it). */
const SEVERITY_MARK: Record<string, string> = { critical: '!!! CRITICAL', major: '!!  major   ', minor: '!   minor   ', info: '    info    ' };

export function describeUplinkMessage(topic: string, payload: Buffer): string | null {
  const parts = topic.split('/');
  const kind = parts[4];
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
  } catch {
    return `${topic} (${payload.length} bytes)`;
  }
  switch (kind) {
    case 'events':
      return `${SEVERITY_MARK[String(body.severity)] ?? body.severity} seq=${body.seq} ${body.device} ${body.type} ${JSON.stringify(body.data)}`;
    case 'status':
      return body.online ? `status: ONLINE (backlog ${body.backlog}, version ${body.version})` : `status: OFFLINE (${body.reason})`;
    case 'devices':
      return `device ${parts[5]} state: ${body.online ? 'online' : 'offline'} ${JSON.stringify(body.state)}`;
    case 'replies':
      return `reply to command ${parts[5]}: ${body.status}`;
    case 'metrics': {
      const b = body.backlog as { depth: number };
      const e = body.events as { accepted: number; delivered: number };
      return `metrics: backlog ${b.depth}, accepted ${e.accepted}, delivered ${e.delivered}`;
    }
    case 'cmd':
      return null;
    default:
      return `${topic}`;
  }
}
