/**
 * Where a CPU profile spends its time: self time per function and per package/file, from a V8
 * .cpuprofile (e.g. written by `croupier bench --server-cpu-prof DIR`).
 *
 *   node --import tsx bench/profile-summary.ts DIR/CPU.*.cpuprofile [--top 30] [--skip-ms N] [--span-ms N]
 *
 * --skip-ms leaves out the first N ms of the profile (start-up, warm-up) and --span-ms keeps only
 * the N ms after that: `croupier bench --server-cpu-prof` prints both for its measured window.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  total_ms: number;
  idle_ms: number;
  functions: { name: string; self_ms: number; percent: number }[];
  groups: { group: string; self_ms: number; percent: number }[];
}

/** node_modules/<pkg>, node:<internal>, or the repository path of our own code. */
export function groupOf(url: string, function_name: string): string {
  if (!url) return function_name.startsWith('(') ? function_name : '(native)';
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1];
  if (url.startsWith('node:')) return url.split('/').slice(0, 3).join('/');
  const own = /\/(src|bench|bin)\/(.+)$/.exec(url);
  return own ? `${own[1]}/${own[2]}` : url;
}

export function summarize(
  profile: CpuProfile,
  top = 25,
  skip_ms = 0,
  span_ms = Number.POSITIVE_INFINITY,
): ProfileSummary {
  const by_id = new Map(profile.nodes.map((n) => [n.id, n]));
  const self_us = new Map<number, number>();
  const from_us = skip_ms * 1000;
  const to_us = from_us + span_ms * 1000;
  let at_us = 0;
  for (let i = 0; i < profile.samples.length; i += 1) {
    const delta = profile.timeDeltas[i] ?? 0;
    at_us += delta;
    if (at_us < from_us || at_us > to_us) continue;
    const id = profile.samples[i];
    self_us.set(id, (self_us.get(id) ?? 0) + delta);
  }
  const functions = new Map<string, number>();
  const groups = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const [id, us] of self_us) {
    const frame = by_id.get(id)!.callFrame;
    total += us;
    if (frame.functionName === '(idle)') idle += us;
    const name =
      `${frame.functionName || '(anonymous)'} ${frame.url ? `${groupOf(frame.url, frame.functionName)}:${frame.lineNumber + 1}` : ''}`.trim();
    functions.set(name, (functions.get(name) ?? 0) + us);
    const group = groupOf(frame.url, frame.functionName);
    groups.set(group, (groups.get(group) ?? 0) + us);
  }
  const busy = total - idle;
  const rank = (m: Map<string, number>) =>
    [...m]
      .filter(([k]) => k !== '(idle)' && !k.startsWith('(idle)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top);
  return {
    total_ms: total / 1000,
    idle_ms: idle / 1000,
    functions: rank(functions).map(([name, us]) => ({
      name,
      self_ms: us / 1000,
      percent: busy > 0 ? (100 * us) / busy : 0,
    })),
    groups: rank(groups).map(([group, us]) => ({
      group,
      self_ms: us / 1000,
      percent: busy > 0 ? (100 * us) / busy : 0,
    })),
  };
}

export function formatSummary(summary: ProfileSummary): string {
  const lines = [
    `profile: ${summary.total_ms.toFixed(0)} ms sampled, ${summary.idle_ms.toFixed(0)} ms idle; shares below are of the busy time`,
    '',
    'by package / file (self time):',
  ];
  for (const g of summary.groups)
    lines.push(`  ${g.percent.toFixed(1).padStart(5)} %  ${g.self_ms.toFixed(0).padStart(7)} ms  ${g.group}`);
  lines.push('', 'by function (self time):');
  for (const f of summary.functions)
    lines.push(`  ${f.percent.toFixed(1).padStart(5)} %  ${f.self_ms.toFixed(0).padStart(7)} ms  ${f.name}`);
  return lines.join('\n');
}

const is_main = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (is_main) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      top: { type: 'string', default: '25' },
      'skip-ms': { type: 'string', default: '0' },
      'span-ms': { type: 'string' },
    },
  });
  if (positionals.length === 0) {
    process.stderr.write(
      'usage: node --import tsx bench/profile-summary.ts <file.cpuprofile>... [--top N] [--skip-ms N] [--span-ms N]\n',
    );
    process.exit(2);
  }
  const span = values['span-ms'] === undefined ? Number.POSITIVE_INFINITY : Number(values['span-ms']);
  for (const file of positionals) {
    const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
    process.stdout.write(
      `== ${file}\n${formatSummary(summarize(profile, Number(values.top), Number(values['skip-ms']), span))}\n\n`,
    );
  }
}
