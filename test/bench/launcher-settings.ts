/**
 * The node flags and malloc/libuv settings the `vgw` launcher gives `vgw run` (provisioning/bin/vgw),
 * read from the launcher itself so the null gateway runs under the same ones as ours: a ratio against
 * a ceiling with other heap sizes would compare the settings, not the code (issue 14).
 */
import { readFileSync } from 'node:fs';

const LAUNCHER = new URL('../../provisioning/bin/vgw', import.meta.url);

export interface LauncherSettings {
  flags: string[];
  env: Record<string, string>;
}

export function launcherSettings(): LauncherSettings {
  const text = readFileSync(LAUNCHER, 'utf8');
  const env: Record<string, string> = {};
  // export NAME="${NAME:-value}"
  for (const m of text.matchAll(/^export (\w+)="\$\{\1:-([^}]*)\}"$/gm)) env[m[1] as string] = m[2] as string;
  const flags = /default_flags='([^']*)'/.exec(text)?.[1];
  if (flags === undefined || Object.keys(env).length === 0) throw new Error(`bench: cannot read the node flags and settings from ${LAUNCHER.pathname}; update test/bench/launcher-settings.ts to its new form`);
  return { flags: flags.split(/\s+/).filter(Boolean), env };
}
