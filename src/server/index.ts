#!/usr/bin/env node
/** CLI entry: `npm start` (see README for the environment variables). */
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`im-elements: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const app = await createApp(config);
  if (app.secrets.adminKeyGenerated) {
    console.log(
      `\nGenerated an admin key (kept in ${config.dataDir}/admin-key; shown only this once):\n\n  ${app.secrets.adminKey}\n`,
    );
  }
  const url = await app.listen();
  console.log(`IM Elements server listening on ${url}${config.demo ? ` (demo: ${url}/)` : ''}`);
  if (config.demo) {
    console.warn(
      'Warning: the demo is on. /demo/ticket and /demo/room-token hand out credentials without the admin key\n' +
        '(to clients on this machine only). Run with NODE_ENV=production or IM_DEMO=0 anywhere else.',
    );
  } else if (config.production && process.env.IM_DEMO !== undefined && !/^(0|false|no|off)$/i.test(process.env.IM_DEMO.trim())) {
    console.warn('IM_DEMO is ignored with NODE_ENV=production: the demo and its credential routes stay off.');
  }
  const stop = async (signal: string) => {
    console.log(`${signal}: shutting down`);
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}

void main();
