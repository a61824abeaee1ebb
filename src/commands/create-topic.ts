/** Create a topic: name (Kafka's rules, checked as typed), partitions, replication factor. */
import * as vscode from 'vscode';
import { KafkaError } from '../broker/errors';
import { validateTopicName } from '../broker/config/topic-name';
import { Services, brokerFor } from './services';
import { inputInteger } from './pick';

function topicNameProblem(name: string, existing: ReadonlySet<string>): string | undefined {
  try {
    validateTopicName(name);
  } catch (e) {
    return e instanceof KafkaError ? e.message : String(e);
  }
  return existing.has(name) ? `Topic '${name}' already exists.` : undefined;
}

export async function createTopic(s: Services): Promise<void> {
  const api = await brokerFor(s, 'create a topic');
  if (!api) return;
  const existing = new Set((await api.listTopics()).map((t) => t.name));
  const name = await vscode.window.showInputBox({
    title: 'Create Topic (1/3)',
    prompt: "Topic name: letters, digits, '.', '_' and '-', at most 249 characters",
    validateInput: (v) => topicNameProblem(v, existing),
  });
  if (name === undefined) return;
  const partitions = await inputInteger({ title: 'Create Topic (2/3)', prompt: 'Number of partitions', value: 1, min: 1, max: 10000 });
  if (partitions === undefined) return;
  const nodes = (await api.status()).nodes.length;
  const replicationFactor = await inputInteger({ title: 'Create Topic (3/3)', prompt: `Replication factor (1 to ${nodes}, the number of nodes)`, value: 1, min: 1, max: nodes });
  if (replicationFactor === undefined) return;
  await api.createTopic({ name, partitions, replicationFactor });
  void vscode.window.showInformationMessage(`Created topic ${name} with ${partitions} partition(s), replication factor ${replicationFactor}.`);
}
