import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES } from '../../protocol/errors.js';
import type { ServerContext } from '../context.js';
import { sendError } from './errors.js';

/**
 * The embeddable bundle at /im-elements.js (with CORS, so any site can load it as a module)
 * and, when the demo is on, the built demo pages at /.
 */
export async function registerStaticRoutes(app: FastifyInstance, ctx: ServerContext): Promise<void> {
  const serveBundle = (file: string, cache: string) => {
    const path = join(ctx.config.distDir, file);
    if (!existsSync(path)) return undefined;
    return (reply: FastifyReply) =>
      reply
        .header('access-control-allow-origin', '*')
        .header('cross-origin-resource-policy', 'cross-origin')
        .header('cache-control', cache)
        .type(file.endsWith('.map') ? 'application/json; charset=utf-8' : 'text/javascript; charset=utf-8')
        .send(readFileSync(path));
  };
  const notBuilt = (reply: FastifyReply, file: string) => sendError(reply, 404, ERROR_CODES.NOT_FOUND, `${file} is not built; run "npm run build"`);
  for (const file of ['im-elements.js', 'im-elements.js.map']) {
    app.get(`/${file}`, async (_request, reply) => serveBundle(file, 'no-cache')?.(reply) ?? notBuilt(reply, file));
  }
  // On-demand chunks have content hashes in their names: cached for good.
  app.get('/chunks/:file', async (request: FastifyRequest, reply) => {
    const { file } = request.params as { file: string };
    if (!/^[\w.-]+\.js(\.map)?$/.test(file)) return sendError(reply, 404, ERROR_CODES.NOT_FOUND, 'no such chunk');
    return serveBundle(`chunks/${file}`, 'public, max-age=31536000, immutable')?.(reply) ?? sendError(reply, 404, ERROR_CODES.NOT_FOUND, 'no such chunk');
  });

  const demoDir = join(ctx.config.distDir, 'demo');
  if (ctx.config.demo && existsSync(demoDir)) {
    await app.register(fastifyStatic, { root: demoDir, prefix: '/', index: ['index.html'], wildcard: true });
  }
}
