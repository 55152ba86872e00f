// Browser tests: real Chromium (playwright-core, the machine's browser), a real IM server
// started here in a child process on a free port with a temporary data dir.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { defaultReporter, summaryReporter } from '@web/test-runner';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { CHROMIUM_ARGS, findChromium } from './scripts/chromium.mjs';

const executablePath = findChromium();
if (!executablePath) {
  console.error('No Chromium found. Run "node scripts/ensure-chromium.mjs" or set CHROME_PATH.');
  process.exit(1);
}

async function startImServer() {
  const dataDir = mkdtempSync(join(tmpdir(), 'im-wtr-'));
  const adminKey = randomBytes(24).toString('base64url');
  const ticketSecret = randomBytes(24).toString('base64url');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server/index.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', IM_DATA_DIR: dataDir, IM_ADMIN_KEY: adminKey, IM_TICKET_SECRET: ticketSecret, IM_LOG_LEVEL: 'warn', IM_DEMO: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) resolve(match[1].replace('localhost', '127.0.0.1'));
    });
    child.once('exit', (code) => reject(new Error(`IM server exited with ${code}:\n${output}`)));
  });
  const stop = () => {
    child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  return { url, adminKey, ticketSecret, stop };
}

const server = await startImServer();

/** Counts every test (and every file that failed to run) into a JSON file for the CI summary line. */
function countingReporter() {
  return {
    onTestRunFinished({ sessions }) {
      let passed = 0;
      let failed = 0;
      let skipped = 0;
      const walk = (suite) => {
        for (const test of suite.tests ?? []) {
          if (test.skipped) skipped += 1;
          else if (test.passed) passed += 1;
          else failed += 1;
        }
        for (const child of suite.suites ?? []) walk(child);
      };
      for (const session of sessions) {
        if (session.testResults) walk(session.testResults);
        if (!session.passed && (session.errors?.length ?? 0) > 0) failed += 1;
      }
      if (process.env.IM_WTR_SUMMARY) writeFileSync(process.env.IM_WTR_SUMMARY, JSON.stringify({ passed, failed, skipped }));
    },
  };
}

export default {
  files: ['test/sdk/**/*.test.ts', 'test/components/**/*.test.ts'],
  nodeResolve: { browser: true, exportConditions: ['browser', 'production'] },
  concurrency: 1,
  testsFinishTimeout: 180_000,
  testFramework: { config: { timeout: 20_000 } },
  browsers: [playwrightLauncher({ product: 'chromium', launchOptions: { executablePath, headless: true, args: CHROMIUM_ARGS } })],
  reporters: [defaultReporter(), summaryReporter({ flatten: false }), countingReporter()],
  testRunnerHtml: (testFramework) => `<!doctype html>
    <html>
      <body>
        <script>window.__IM_TEST__ = ${JSON.stringify({ server: server.url, adminKey: server.adminKey, ticketSecret: server.ticketSecret })};</script>
        <script type="module" src="${testFramework}"></script>
      </body>
    </html>`,
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'es2022' }),
    {
      name: 'dexie-browser-build',
      // Dexie's package entry is a UMD file a browser cannot import as a module.
      resolveImport({ source }) {
        if (source === 'dexie') return '/node_modules/dexie/dist/modern/dexie.mjs';
        return undefined;
      },
    },
    {
      name: 'im-server',
      serverStop() {
        server.stop();
      },
    },
  ],
};
