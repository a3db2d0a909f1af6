/**
 * Where the browsers are, and temporary folders (profiles, extension copies)
 * that do not outlive the run that made them.
 *
 * A browser is found by its environment variable first (CHROMIUM_PATH,
 * FIREFOX_PATH), then at the usual install locations of this platform. When
 * none is there, the error says how to install one here, or which variable to set.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { homedir, platform, tmpdir } from 'node:os';
import { join } from 'node:path';

const win = (...parts) => parts.filter(Boolean).join('\\');
const { PROGRAMFILES, 'PROGRAMFILES(X86)': PROGRAMFILES_X86, LOCALAPPDATA } = process.env;

/** Usual install locations, in order of preference, per browser and platform. */
const LOCATIONS = {
  chromium: {
    env: 'CHROMIUM_PATH',
    label: 'Chromium (or Google Chrome)',
    linux: ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'],
    darwin: [
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      join(homedir(), 'Applications/Chromium.app/Contents/MacOS/Chromium'),
      join(homedir(), 'Applications/Google Chrome.app/Contents/MacOS/Google Chrome'),
    ],
    win32: [
      PROGRAMFILES && win(PROGRAMFILES, 'Google\\Chrome\\Application\\chrome.exe'),
      PROGRAMFILES_X86 && win(PROGRAMFILES_X86, 'Google\\Chrome\\Application\\chrome.exe'),
      LOCALAPPDATA && win(LOCALAPPDATA, 'Google\\Chrome\\Application\\chrome.exe'),
      LOCALAPPDATA && win(LOCALAPPDATA, 'Chromium\\Application\\chrome.exe'),
    ],
    install: {
      debian: 'sudo apt-get install -y chromium',
      // Ubuntu's chromium package installs a snap, whose private /tmp hides the test profile.
      ubuntu: "download Google Chrome's .deb from https://www.google.com/chrome/, then sudo apt-get install -y ./google-chrome-stable_current_amd64.deb",
      darwin: 'brew install --cask chromium',
      win32: 'winget install Google.Chrome',
      other: 'install Chromium with your package manager',
    },
  },
  firefox: {
    env: 'FIREFOX_PATH',
    label: 'Firefox (140 or later; Firefox ESR 140 is what the tests run on)',
    linux: ['/usr/bin/firefox-esr', '/usr/bin/firefox', '/usr/lib/firefox-esr/firefox-esr', '/usr/lib/firefox/firefox'],
    darwin: ['/Applications/Firefox.app/Contents/MacOS/firefox', join(homedir(), 'Applications/Firefox.app/Contents/MacOS/firefox')],
    win32: [PROGRAMFILES && win(PROGRAMFILES, 'Mozilla Firefox\\firefox.exe'), PROGRAMFILES_X86 && win(PROGRAMFILES_X86, 'Mozilla Firefox\\firefox.exe')],
    install: {
      debian: 'sudo apt-get install -y firefox-esr',
      // Ubuntu's firefox package installs a snap; the mozillateam PPA has a .deb Firefox ESR.
      ubuntu: 'sudo add-apt-repository ppa:mozillateam/ppa && sudo apt-get install -y firefox-esr',
      darwin: 'brew install --cask firefox',
      win32: 'winget install Mozilla.Firefox',
      other: 'install Firefox with your package manager',
    },
  },
};

/** 'ubuntu' or 'debian' (and their derivatives: apt-get), otherwise the Node platform name. */
function system() {
  const p = platform();
  if (p !== 'linux') return p;
  try {
    const release = readFileSync('/etc/os-release', 'utf8');
    if (/^(ID|ID_LIKE)="?[\w ]*\bubuntu\b/m.test(release)) return 'ubuntu';
    if (/^(ID|ID_LIKE)="?[\w ]*\bdebian\b/m.test(release)) return 'debian';
  } catch {
    // no /etc/os-release: some other Linux
  }
  return existsSync('/etc/debian_version') ? 'debian' : 'linux';
}

/** The places looked at for `name` on this platform, in order. */
export function browserCandidates(name) {
  const b = LOCATIONS[name];
  if (!b) throw new Error(`Unknown browser "${name}": chromium or firefox`);
  return (b[platform()] ?? b.linux).filter(Boolean);
}

/**
 * The executable for `name` ('chromium' | 'firefox'): the environment variable
 * when set (even if nothing is there: the launch then says so), else the first
 * usual location that exists, else undefined.
 */
export function browserPath(name) {
  const b = LOCATIONS[name];
  const fromEnv = process.env[b.env];
  if (fromEnv) return fromEnv;
  return browserCandidates(name).find((p) => existsSync(p));
}

/** Why `name` cannot be started here, and how to fix that on this platform. */
export function browserMissing(name) {
  const b = LOCATIONS[name];
  const fromEnv = process.env[b.env];
  if (fromEnv) return `${b.env}=${fromEnv}, but there is no file there: fix the path, or unset ${b.env} to look in the usual places.`;
  const sys = system();
  const how = b.install[sys] ?? b.install.other;
  const example =
    platform() === 'win32' ? `C:\\path\\to\\${name === 'chromium' ? 'chrome' : 'firefox'}.exe` : `/path/to/${name === 'chromium' ? 'chrome' : 'firefox'}`;
  return (
    `${b.label} not found (looked in ${browserCandidates(name).join(', ') || 'no usual place on this platform'}).\n` +
    `To install it: ${how}\n` +
    `Or set ${b.env} to its executable, e.g. ${b.env}=${example}`
  );
}

/** The executable for `name`, or an Error saying how to get one. */
export function requireBrowser(name) {
  const path = browserPath(name);
  if (!path || !existsSync(path)) throw new Error(browserMissing(name));
  return path;
}

// ------------------------------------------------------------ temp folders

const PREFIX = 'papershelf-';
const mine = new Set();
let hooked = false;

function removeAll() {
  for (const dir of mine) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  mine.clear();
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM'; // someone else's live process
  }
};

/**
 * Removes folders that earlier runs left behind in the temp folder: a run that
 * was killed (SIGKILL, a crashed worker) never reaches its exit handler. The
 * folder names carry the pid of their run; only dead runs' folders go.
 */
export function sweepTempDirs() {
  let names = [];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const n of names) {
    const m = /^papershelf-[a-z-]+?-(\d+)-[A-Za-z0-9]{6}$/.exec(n);
    if (m && Number(m[1]) !== process.pid && !alive(Number(m[1]))) {
      rmSync(join(tmpdir(), n), { recursive: true, force: true });
    }
  }
}

/**
 * A new empty folder in the temp folder (`papershelf-<kind>-<pid>-XXXXXX`).
 * `remove()` deletes it; so does the end of this process in any case (a failed
 * test, an exception, process.exit, Ctrl-C through the browser libraries'
 * signal handlers), and the next run if this one was killed outright.
 */
export function tempDir(kind) {
  if (!hooked) {
    hooked = true;
    process.on('exit', removeAll);
    sweepTempDirs();
  }
  const path = mkdtempSync(join(tmpdir(), `${PREFIX}${kind}-${process.pid}-`));
  mine.add(path);
  return {
    path,
    remove() {
      if (mine.delete(path)) rmSync(path, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
