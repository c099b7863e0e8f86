/** v1.1 `/1.1/media/upload.json` and v2 command-style `/2/media/upload`, both POST and STATUS GET. */
import type { FastifyInstance } from 'fastify'
import { requireAuth } from './require-auth.js'
import { handleCommandPost, handleStatusGet } from './upload-commands.js'

/** Registers the command-style upload endpoints of both dialects. */
export function registerMediaUpload(app: FastifyInstance): void {
  app.post('/1.1/media/upload.json', requireAuth('POST /1.1/media/upload.json'), (request, reply) =>
    handleCommandPost(request, reply, 'v1'),
  )
  app.get('/1.1/media/upload.json', requireAuth('GET /1.1/media/upload.json'), (request, reply) =>
    handleStatusGet(request, reply, 'v1'),
  )
  app.post('/2/media/upload', requireAuth('POST /2/media/upload'), (request, reply) =>
    handleCommandPost(request, reply, 'v2'),
  )
  app.get('/2/media/upload', requireAuth('GET /2/media/upload'), (request, reply) =>
    handleStatusGet(request, reply, 'v2'),
  )
}
