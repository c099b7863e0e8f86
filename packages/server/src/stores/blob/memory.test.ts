import { describeBlobStore } from '../conformance/blob-store.suite.js'
import { MemoryBlobStore } from './memory.js'

describeBlobStore('MemoryBlobStore', () => MemoryBlobStore.open())
