/**
 * Where media files live, shaped like X's CDNs: a photo at `/media/<media_key>.<ext>` with
 * `?name=thumb|small|medium|large|orig` (pbs.twimg.com), a video's MP4 variants at
 * `/media/<media_key>/<w>x<h>.mp4` and its poster at `/media/<media_key>/poster.jpg`
 * (video.twimg.com keeps the size in the path the same way). The paths only depend on the media
 * record, so a URL stays stable for as long as the media exists.
 */
import type { MediaFile, MediaRecord } from '../stores/metadata-store.js'
import { photoFile } from '../uploads/served-files.js'

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/pjpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
  'image/tiff': 'tiff',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'video/mp2t': 'ts',
}

/** The file extension of a content type (`bin` when unknown). */
export function extensionOf(contentType: string): string {
  return EXTENSIONS[contentType] ?? 'bin'
}

/** A photo's path: the extension is that of its processed `orig` file, or of the upload while there is none. */
export function photoPath(media: MediaRecord): string {
  const type = photoFile(media, 'orig')?.contentType ?? media.mediaType ?? media.declaredType
  return `/media/${media.mediaKey}.${extensionOf(type)}`
}

/** The file name of an MP4 variant under its media's folder (`640x360.mp4`). */
export function variantName(file: MediaFile): string {
  return `${file.width}x${file.height}.${extensionOf(file.contentType)}`
}

/** The file name of a poster under its media's folder (`poster.jpg`). */
export function posterName(file: MediaFile): string {
  return `poster.${extensionOf(file.contentType)}`
}

/** The path of a file of a video or animated GIF. */
export function mediaFolderPath(media: MediaRecord, name: string): string {
  return `/media/${media.mediaKey}/${name}`
}
