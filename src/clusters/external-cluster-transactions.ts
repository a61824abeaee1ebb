/**
 * The transactional ids as kafka-transactions.sh list and describe find them: ListTransactions
 * to every broker (each answers for the transaction coordinators it hosts), then DescribeTransactions at the broker
 * that listed each id, which is its coordinator. The library has neither call: they go through DirectRequests.
 */
import type { Admin } from '@platformatic/kafka';
import type { TransactionView } from '../broker/api';
import { ListTransactionsApi } from '../protocol/messages/list-transactions-api';
import { DescribeTransactionsApi } from '../protocol/messages/describe-transactions-api';
import type { ListTransactionsResponseData } from '../protocol/messages/list-transactions-response';
import type { DescribeTransactionsResponseData } from '../protocol/messages/describe-transactions-response';
import type { DirectRequests } from './external-cluster-requests';
import { call } from './external-cluster-errors';

export class Transactions {
  constructor(
    private readonly admin: Admin,
    private readonly requests: DirectRequests,
  ) {}

  async list(): Promise<TransactionView[]> {
    const brokers = (await call(() => this.admin.metadata({ topics: [], forceUpdate: false }))).brokers;
    const perBroker = await Promise.all(
      [...brokers.entries()].map(async ([nodeId, broker]) => {
        const listed = await this.requests.schemaRequest<ListTransactionsResponseData>(ListTransactionsApi, { stateFilters: [], producerIdFilters: [], durationFilter: -1 }, broker);
        // A coordinator still loading its partitions answers an error: its ids show at the next look.
        const ids = listed.errorCode === 0 ? listed.transactionStates.map((t) => t.transactionalId) : [];
        if (ids.length === 0) return [];
        const described = await this.requests.schemaRequest<DescribeTransactionsResponseData>(DescribeTransactionsApi, { transactionalIds: ids }, broker);
        return described.transactionStates
          .filter((t) => t.errorCode === 0)
          .map(
            (t): TransactionView => ({
              transactionalId: t.transactionalId,
              state: t.transactionState,
              producerId: t.producerId,
              producerEpoch: t.producerEpoch,
              timeoutMs: t.transactionTimeoutMs,
              startTimestamp: t.transactionStartTimeMs,
              // DescribeTransactions does not say when the state last changed.
              lastUpdateTimestamp: -1,
              partitions: t.topics.flatMap((x) => x.partitions.map((partition) => ({ topic: x.topic, partition }))),
              coordinator: nodeId,
            }),
          );
      }),
    );
    return perBroker.flat().sort((a, b) => a.transactionalId.localeCompare(b.transactionalId));
  }
}
