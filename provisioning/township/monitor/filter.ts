/** What the operator asked to see: by township, gateway, category and lowest severity. */
import { SEVERITY_RANK, type Severity } from './uplink-message.js';

export interface MonitorFilter {
  township?: string | undefined;
  gateways?: readonly string[] | undefined;
  categories?: readonly string[] | undefined;
  /** Show this severity and the more severe ones. */
  minSeverity?: Severity | undefined;
}

export function matchesGateway(f: MonitorFilter, township: string, gateway: string): boolean {
  return (!f.township || f.township === township) && (!f.gateways?.length || f.gateways.includes(gateway));
}

export function matchesEvent(f: MonitorFilter, category: string, severity: Severity): boolean {
  return (!f.categories?.length || f.categories.includes(category)) && (!f.minSeverity || SEVERITY_RANK[severity] <= SEVERITY_RANK[f.minSeverity]);
}

export function describeFilter(f: MonitorFilter): string {
  const parts = [
    f.township ? `township ${f.township}` : '',
    f.gateways?.length ? `gateway ${f.gateways.join(',')}` : '',
    f.categories?.length ? `category ${f.categories.join(',')}` : '',
    f.minSeverity ? `severity ≥ ${f.minSeverity}` : '',
  ].filter(Boolean);
  return parts.length ? parts.join(' · ') : 'all';
}
