/** v1.1 `/1.1/media/upload.json` and v2 command-style `/2/media/upload`, both POST and STATUS GET. */
import type { FastifyInstance } from 'fastify'
import { requireAuth } from './context.js'
import { handleCommandPost, handleStatusGet } from './upload-commands.js'

/** Registers the command-style upload endpoints of both dialects. */
export function registerMediaUpload(app: FastifyInstance): void {
  app.post('/1.1/media/upload.json', { onRequest: requireAuth }, (request, reply) =>
    handleCommandPost(request, reply, 'v1'),
  )
  app.get('/1.1/media/upload.json', { onRequest: requireAuth }, (request, reply) =>
    handleStatusGet(request, reply, 'v1'),
  )
  app.post('/2/media/upload', { onRequest: requireAuth }, (request, reply) => handleCommandPost(request, reply, 'v2'))
  app.get('/2/media/upload', { onRequest: requireAuth }, (request, reply) => handleStatusGet(request, reply, 'v2'))
}
