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
  const serveBundle = (file: string) => async (_request: FastifyRequest, reply: FastifyReply) => {
    const path = join(ctx.config.distDir, file);
    if (!existsSync(path)) {
      return sendError(reply, 404, ERROR_CODES.NOT_FOUND, `${file} is not built; run "npm run build"`);
    }
    return reply
      .header('access-control-allow-origin', '*')
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('cache-control', 'no-cache')
      .type('text/javascript; charset=utf-8')
      .send(readFileSync(path));
  };
  app.get('/im-elements.js', serveBundle('im-elements.js'));
  app.get('/im-elements.js.map', serveBundle('im-elements.js.map'));

  const demoDir = join(ctx.config.distDir, 'demo');
  if (ctx.config.demo && existsSync(demoDir)) {
    await app.register(fastifyStatic, { root: demoDir, prefix: '/', index: ['index.html'], wildcard: true });
  }
}
