import { describeMetadataStore } from '../conformance/metadata-store.suite.js'
import { MemoryMetadataStore } from './memory.js'

describeMetadataStore('MemoryMetadataStore', () => MemoryMetadataStore.open())
