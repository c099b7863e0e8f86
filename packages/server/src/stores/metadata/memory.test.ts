import { describeAuthStore } from '../conformance/auth-store.suite.js'
import { describeMetadataStore } from '../conformance/metadata-store.suite.js'
import { MemoryMetadataStore } from './memory.js'

describeMetadataStore('MemoryMetadataStore', () => MemoryMetadataStore.open())
describeAuthStore('MemoryMetadataStore as AuthStore', () => MemoryMetadataStore.open())
