// Stand-in for Debian's gpiod tools (gpiodetect, gpioget, gpiomon, gpioset) in libgpiod 1.6 or 2.x
// syntax (VGW_GPIOD_VERSION). It records every call, refuses what the real tool refuses (options of the
// other dialect, unknown chips and offsets, a line another process holds) and prints what the real one
// prints. Lines live in VGW_GPIOD_DIR: `<chip>-<offset>.in` is the wire of an input (the test appends
// "<level> <monotonic ns>" per change, the time the kernel would stamp), `.out` what gpioset drove.
import { appendFileSync, existsSync, readFileSync, rmSync, statSync, openSync, readSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [tool, ...args] = process.argv.slice(2);
const dir = process.env.VGW_GPIOD_DIR;
const version = process.env.VGW_GPIOD_VERSION ?? '1.6.3';
const v1 = version.startsWith('1.');
appendFileSync(join(dir, 'calls.log'), JSON.stringify({ tool, args, pid: process.pid }) + '\n');

const die = (msg) => {
  process.stderr.write(`${tool}: ${msg}\n`);
  process.exit(1);
};
if (args[0] === '--version' || args[0] === '-v') {
  process.stdout.write(`${tool} (libgpiod) v${version}\nCopyright (C) 2017-2023 Bartosz Golaszewski\n`);
  process.exit(0);
}
const chips = JSON.parse(readFileSync(join(dir, 'chips.json'), 'utf8'));
if (tool === 'gpiodetect') {
  for (const c of chips) process.stdout.write(`${c.name} [${c.label}] (${c.lines} lines)\n`);
  process.exit(0);
}

// Options each dialect knows (with a value: true), as getopt would parse them.
const KNOWN = v1
  ? { gpioget: {}, gpiomon: { '-b': false, '-F': true, '--format': true }, gpioset: { '--mode': true, '-m': true } }
  : { gpioget: { '-c': true, '--chip': true, '--numeric': false }, gpiomon: { '-c': true, '--chip': true, '-F': true, '--format': true }, gpioset: { '-c': true, '--chip': true } };
const opts = {};
const positional = [];
for (let i = 0; i < args.length; i++) {
  const [name, inline] = args[i].startsWith('--') ? args[i].split('=', 2) : [args[i], undefined];
  if (!name.startsWith('-')) positional.push(name);
  else if (!(name in KNOWN[tool])) die(`invalid option -- '${name.replace(/^-+/, '')}'`);
  else opts[name] = KNOWN[tool][name] ? (inline ?? args[++i]) : true;
}
const chipName = v1 ? positional.shift() : (opts['-c'] ?? opts['--chip']);
const chip = chips.find((c) => c.name === chipName);
if (!chip) die(v1 ? `unable to open chip '${chipName}': No such file or directory` : `cannot find line '${positional[0]}'`);
const [lineArg] = positional;
const offset = Number(lineArg?.split('=')[0]);
if (!Number.isInteger(offset) || offset >= chip.lines) die(`unable to request lines on chip ${chip.name}: Invalid argument`);
const wire = join(dir, `${chip.name}-${offset}.in`);
const out = join(dir, `${chip.name}-${offset}.out`);
const held = join(dir, `${chip.name}-${offset}.held`);

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
if (existsSync(held) && alive(Number(readFileSync(held, 'utf8')))) die(`unable to request lines on chip ${chip.name}: Device or resource busy`);
const lastLevel = () => (existsSync(wire) ? Number(readFileSync(wire, 'utf8').trim().split('\n').at(-1)?.split(' ')[0] || 0) : 0);

if (tool === 'gpioget') {
  process.stdout.write(`${lastLevel()}\n`);
  process.exit(0);
}

const hold = (onRelease) => {
  // Unlike the real tools, a stand-in follows its parent: a test that dies must not leave lines held.
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && process.kill(process.pid, 'SIGTERM'), 200);
  writeFileSync(held, String(process.pid));
  const release = () => {
    onRelease?.();
    rmSync(held, { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', release);
  process.on('SIGINT', release);
  return release;
};

if (tool === 'gpioset') {
  const level = Number(lineArg.split('=')[1]);
  // Signal handlers first: once the level shows, a SIGTERM must always end in "released".
  const release = hold(() => appendFileSync(out, `released ${process.hrtime.bigint()}\n`));
  appendFileSync(out, `${level} ${process.hrtime.bigint()}\n`);
  // v1 without --mode=signal sets the value and exits at once, releasing the line.
  if (v1 && (opts['--mode'] ?? opts['-m']) !== 'signal') release();
  setInterval(() => {}, 1 << 30);
} else if (tool === 'gpiomon') {
  const format = opts['-F'] ?? opts['--format'];
  let level = lastLevel();
  let pos = existsSync(wire) ? statSync(wire).size : 0;
  hold();
  const print = (next, ns) => {
    const sec = ns / 1_000_000_000n;
    const nano = ns % 1_000_000_000n;
    const fields = { o: String(offset), e: next ? '1' : v1 ? '0' : '2', E: next ? 'rising' : 'falling', s: String(sec), n: String(nano), S: `${sec}.${String(nano).padStart(9, '0')}` };
    process.stdout.write(format.replace(/%([oeEsnS])/g, (_, k) => fields[k]) + '\n');
  };
  setInterval(() => {
    if (!existsSync(wire) || statSync(wire).size <= pos) return;
    const fd = openSync(wire, 'r');
    const buf = Buffer.alloc(statSync(wire).size - pos);
    readSync(fd, buf, 0, buf.length, pos);
    closeSync(fd);
    pos += buf.length;
    for (const line of buf.toString().split('\n').filter(Boolean)) {
      const [l, ns] = line.split(' ');
      if (Number(l) === level) continue; // the kernel reports edges, not levels
      level = Number(l);
      print(level, BigInt(ns));
    }
  }, 5);
}
