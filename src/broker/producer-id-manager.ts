/**
 * Hands out producer ids for InitProducerId (Kafka's RPCProducerIdManager with the controller's
 * ProducerIdControlManager): ids come from blocks of 1000 reserved in the cluster metadata file, so they are unique
 * across the cluster's virtual nodes and are never reused after a restart.
 */
import type { MetadataStore } from './metadata/metadata-store';

const PRODUCER_ID_BLOCK_SIZE = 1000;

class ProducerIdManager {
  private next = 0;
  private end = 0;

  constructor(private readonly metadata: Pick<MetadataStore, 'allocateProducerIdBlock'>, private readonly blockSize = PRODUCER_ID_BLOCK_SIZE) {}

  generateProducerId(): number {
    if (this.next >= this.end) {
      const block = this.metadata.allocateProducerIdBlock(this.blockSize);
      this.next = block.firstProducerId;
      this.end = block.firstProducerId + block.size;
    }
    return this.next++;
  }
}

const managers = new WeakMap<object, ProducerIdManager>();

/** The one manager of a cluster (by its metadata store), created on first use. */
export function producerIdManagerOf(metadata: MetadataStore): ProducerIdManager {
  let m = managers.get(metadata);
  if (!m) managers.set(metadata, (m = new ProducerIdManager(metadata)));
  return m;
}
