/**
 * The one parser for numbers on the `vgw` command line (issue 8, finding 16): every numeric flag of
 * every command goes through it, so `--expires abc` or `--stats-every 0` stops before any work with
 * commander's one line — `error: option '--expires <seconds>' argument 'abc' is invalid. …` — and
 * the range and an example, instead of a RangeError, a NaN wait or a timer firing every millisecond.
 */
import { InvalidArgumentError, Option } from 'commander';

/** Longest timer Node keeps: a longer setTimeout fires at once (TimeoutOverflowWarning). */
export const MAX_TIMER_SEC = Math.floor((2 ** 31 - 1) / 1000);

export interface NumberRange {
  min: number;
  max: number;
  /** Only whole numbers (a count, a percentage); otherwise decimals like 2.5 are fine. */
  whole?: boolean;
  /** What the number counts, for the message: "seconds". */
  unit?: string;
  /** A good value, shown in the message as `e.g. --flag 300`. */
  example?: number;
}

// Plain decimal notation only: Number() would also take '', '0x1f', '1e3' and 'Infinity'.
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;

/** A commander argument parser for a number in the range; `flag` names it in the example. */
export function numberIn(range: NumberRange, flag?: string): (value: string) => number {
  const kind = range.whole ? 'a whole number' : 'a number';
  const unit = range.unit ? ` of ${range.unit}` : '';
  const example = range.example !== undefined && flag ? `, e.g. ${flag} ${range.example}` : '';
  const want = `use ${kind}${unit} from ${range.min} to ${range.max}${example}`;
  return (value: string): number => {
    const text = value.trim();
    const n = Number(text);
    if (!DECIMAL.test(text) || (range.whole && !Number.isSafeInteger(n)) || n < range.min || n > range.max) throw new InvalidArgumentError(want);
    return n;
  };
}

/**
 * A numeric option: `flags` as commander takes them ('--expires <seconds>'), checked by `numberIn`;
 * the default, when given, is shown in the help and is itself in range.
 */
export function numberOption(flags: string, description: string, range: NumberRange & { default?: number }): Option {
  const flag = /--[\w-]+/.exec(flags)?.[0];
  const option = new Option(flags, `${description} (${range.min}-${range.max})`).argParser(numberIn(range, flag));
  return range.default === undefined ? option : option.default(range.default);
}
