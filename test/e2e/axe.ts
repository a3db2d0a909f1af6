/**
 * axe-core in a tab of the session: WCAG 2.1 A and AA rules, the violations
 * as readable lines. The script is evaluated by the driver (CDP / BiDi), which
 * extension pages' CSP does not stop, so no page of ours needs to allow it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Tab } from './session';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Violation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Runs axe on `include` (CSS selectors; the whole document when empty) and returns the violations. */
export async function axe(tab: Tab, include: string[] = []): Promise<Violation[]> {
  await tab.evaluate(`(() => { if (!window.axe) { ${AXE} } })()` as never);
  return tab.evaluate(async (sel: string[]) => {
    const a = (
      window as unknown as {
        axe: {
          run(ctx: unknown, opts: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }>;
        };
      }
    ).axe;
    const ctx = sel.length ? { include: sel.map((s) => [s]) } : document;
    const r = await a.run(ctx, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => JSON.stringify(n.target)) }));
  }, include);
}

/** One line per violation, for a failing assertion's message. */
export const describeViolations = (vs: Violation[]) => vs.map((v) => `${v.impact ?? ''} ${v.id}: ${v.help} at ${v.targets.slice(0, 3).join(' ')}`).join('\n');
