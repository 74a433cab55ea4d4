/**
 * Colour on a terminal: one decision (`colourEnabled`) and one way to paint (`paint`) for every
 * command. The conventions of https://no-color.org and FORCE_COLOR: `NO_COLOR` (non-empty)
 * turns colour off whatever else is set; `FORCE_COLOR=0` turns it off and any other value on,
 * even into a pipe; otherwise colour only on a TTY whose TERM is not `dumb`. JSON is never painted.
 */

export type Tone = 'red' | 'yellow' | 'green' | 'dim';

const SGR: Record<Tone, string> = {red: '31', yellow: '33', green: '32', dim: '2'};
const ANSI_RE = /\u001b\[[0-9;]*m/g;

/** Whether text written to `stream` is painted, under the environment `env`. */
export function colourEnabled(stream: {isTTY?: boolean}, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

/** `text` in `tone` when `on`, else unchanged. */
export function paint(tone: Tone | undefined, text: string, on: boolean): string {
  return on && tone ? `\u001b[${SGR[tone]}m${text}\u001b[0m` : text;
}

/** `text` without colour codes. */
export function unpainted(text: string): string {
  return text.replace(ANSI_RE, '');
}

/** Columns a text takes on screen (colour codes take none). */
export function visibleWidth(text: string): number {
  return [...unpainted(text)].length;
}

/** The tone of an alert classification: 2 red, 1 yellow, 0 dim. */
export function classificationTone(classification: number): Tone {
  return classification >= 2 ? 'red' : classification === 1 ? 'yellow' : 'dim';
}
