// Every API the broker serves; one file per API key, named by its number.
import type { ApiHandler } from '../handler';
import type { ApiCodec } from '../../messages/api-codec';
import { ProduceApi } from '../../messages/produce-api';
import { FetchApi } from '../../messages/fetch-api';
import { ListOffsetsApi } from '../../messages/list-offsets-api';
import { MetadataApi } from '../../messages/metadata-api';
import { OffsetCommitApi } from '../../messages/offset-commit-api';
import { OffsetFetchApi } from '../../messages/offset-fetch-api';
import { FindCoordinatorApi } from '../../messages/find-coordinator-api';
import { JoinGroupApi } from '../../messages/join-group-api';
import { HeartbeatApi } from '../../messages/heartbeat-api';
import { LeaveGroupApi } from '../../messages/leave-group-api';
import { SyncGroupApi } from '../../messages/sync-group-api';
import { DescribeGroupsApi } from '../../messages/describe-groups-api';
import { ListGroupsApi } from '../../messages/list-groups-api';
import { SaslHandshakeApi } from '../../messages/sasl-handshake-api';
import { ApiVersionsApi } from '../../messages/api-versions-api';
import { CreateTopicsApi } from '../../messages/create-topics-api';
import { DeleteTopicsApi } from '../../messages/delete-topics-api';
import { DeleteRecordsApi } from '../../messages/delete-records-api';
import { InitProducerIdApi } from '../../messages/init-producer-id-api';
import { OffsetForLeaderEpochApi } from '../../messages/offset-for-leader-epoch-api';
import { AddPartitionsToTxnApi } from '../../messages/add-partitions-to-txn-api';
import { AddOffsetsToTxnApi } from '../../messages/add-offsets-to-txn-api';
import { EndTxnApi } from '../../messages/end-txn-api';
import { WriteTxnMarkersApi } from '../../messages/write-txn-markers-api';
import { TxnOffsetCommitApi } from '../../messages/txn-offset-commit-api';
import { DescribeAclsApi } from '../../messages/describe-acls-api';
import { CreateAclsApi } from '../../messages/create-acls-api';
import { DeleteAclsApi } from '../../messages/delete-acls-api';
import { DescribeConfigsApi } from '../../messages/describe-configs-api';
import { AlterConfigsApi } from '../../messages/alter-configs-api';
import { DescribeLogDirsApi } from '../../messages/describe-log-dirs-api';
import { SaslAuthenticateApi } from '../../messages/sasl-authenticate-api';
import { CreatePartitionsApi } from '../../messages/create-partitions-api';
import { DeleteGroupsApi } from '../../messages/delete-groups-api';
import { ElectLeadersApi } from '../../messages/elect-leaders-api';
import { IncrementalAlterConfigsApi } from '../../messages/incremental-alter-configs-api';
import { OffsetDeleteApi } from '../../messages/offset-delete-api';
import { DescribeUserScramCredentialsApi } from '../../messages/describe-user-scram-credentials-api';
import { AlterUserScramCredentialsApi } from '../../messages/alter-user-scram-credentials-api';
import { DescribeClusterApi } from '../../messages/describe-cluster-api';
import { DescribeTransactionsApi } from '../../messages/describe-transactions-api';
import { ListTransactionsApi } from '../../messages/list-transactions-api';
import { ConsumerGroupHeartbeatApi } from '../../messages/consumer-group-heartbeat-api';
import { ConsumerGroupDescribeApi } from '../../messages/consumer-group-describe-api';
import { DescribeProducersApi } from '../../messages/describe-producers-api';
import produce from './00-produce';
import fetch from './01-fetch';
import listOffsets from './02-list-offsets';
import metadata from './03-metadata';
import offsetCommit from './08-offset-commit';
import offsetFetch from './09-offset-fetch';
import findCoordinator from './10-find-coordinator';
import joinGroup from './11-join-group';
import heartbeat from './12-heartbeat';
import leaveGroup from './13-leave-group';
import syncGroup from './14-sync-group';
import describeGroups from './15-describe-groups';
import listGroups from './16-list-groups';
import apiVersions from './18-api-versions';
import saslHandshake from './17-sasl-handshake';
import saslAuthenticate from './36-sasl-authenticate';
import describeUserScramCredentials from './50-describe-user-scram-credentials';
import alterUserScramCredentials from './51-alter-user-scram-credentials';
import deleteGroups from './42-delete-groups';
import offsetDelete from './47-offset-delete';
import createTopics from './19-create-topics';
import deleteTopics from './20-delete-topics';
import deleteRecords from './21-delete-records';
import initProducerId from './22-init-producer-id';
import offsetForLeaderEpoch from './23-offset-for-leader-epoch';
import addPartitionsToTxn from './24-add-partitions-to-txn';
import addOffsetsToTxn from './25-add-offsets-to-txn';
import endTxn from './26-end-txn';
import writeTxnMarkers from './27-write-txn-markers';
import txnOffsetCommit from './28-txn-offset-commit';
import describeTransactions from './65-describe-transactions';
import describeProducers from './61-describe-producers';
import listTransactions from './66-list-transactions';
import describeConfigs from './32-describe-configs';
import alterConfigs from './33-alter-configs';
import describeLogDirs from './35-describe-log-dirs';
import createPartitions from './37-create-partitions';
import electLeaders from './43-elect-leaders';
import incrementalAlterConfigs from './44-incremental-alter-configs';
import describeCluster from './60-describe-cluster';
import describeAcls from './29-describe-acls';
import createAcls from './30-create-acls';
import deleteAcls from './31-delete-acls';
import consumerGroupHeartbeat from './68-consumer-group-heartbeat';
import consumerGroupDescribe from './69-consumer-group-describe';

export const ALL_HANDLERS: readonly ApiHandler[] = [produce, fetch, listOffsets, metadata, apiVersions, createTopics, deleteTopics, deleteRecords, describeConfigs, alterConfigs, describeLogDirs, createPartitions, incrementalAlterConfigs, describeCluster, initProducerId, addPartitionsToTxn, addOffsetsToTxn, endTxn, writeTxnMarkers, txnOffsetCommit, describeProducers, describeTransactions, listTransactions, offsetCommit, offsetFetch, findCoordinator, joinGroup, heartbeat, leaveGroup, syncGroup, describeGroups, listGroups, deleteGroups, offsetDelete, offsetForLeaderEpoch, electLeaders, saslHandshake, saslAuthenticate, describeUserScramCredentials, alterUserScramCredentials, describeAcls, createAcls, deleteAcls, consumerGroupHeartbeat, consumerGroupDescribe] as unknown as ApiHandler[];

/**
 * The codecs of the APIs above, by api key, and no other: the server decodes requests and encodes responses with
 * these, so dist/worker.js holds no codec of an API it does not serve (test/unit/build/worker-bundle.test.ts checks
 * that this table and ALL_HANDLERS name the same APIs, and what the bundle holds).
 */
export const SERVED_CODECS: ReadonlyMap<number, ApiCodec> = new Map(
  ([ProduceApi, FetchApi, ListOffsetsApi, MetadataApi, OffsetCommitApi, OffsetFetchApi, FindCoordinatorApi, JoinGroupApi, HeartbeatApi, LeaveGroupApi, SyncGroupApi, DescribeGroupsApi, ListGroupsApi, SaslHandshakeApi, ApiVersionsApi, CreateTopicsApi, DeleteTopicsApi, DeleteRecordsApi, InitProducerIdApi, OffsetForLeaderEpochApi, AddPartitionsToTxnApi, AddOffsetsToTxnApi, EndTxnApi, WriteTxnMarkersApi, TxnOffsetCommitApi, DescribeProducersApi, DescribeAclsApi, CreateAclsApi, DeleteAclsApi, DescribeConfigsApi, AlterConfigsApi, DescribeLogDirsApi, SaslAuthenticateApi, CreatePartitionsApi, DeleteGroupsApi, ElectLeadersApi, IncrementalAlterConfigsApi, OffsetDeleteApi, DescribeUserScramCredentialsApi, AlterUserScramCredentialsApi, DescribeClusterApi, DescribeTransactionsApi, ListTransactionsApi, ConsumerGroupHeartbeatApi, ConsumerGroupDescribeApi] as ApiCodec[]).map((c) => [c.apiKey, c]),
);
