/** Grow a topic's partition count (Kafka's CreatePartitions; partitions can never be removed). */
import * as vscode from 'vscode';
import { CommandArg, Services, brokerFor } from './services';
import { inputInteger, pickTopic } from './pick';

export async function addPartitions(s: Services, arg: CommandArg): Promise<void> {
  const api = await brokerFor(s, 'add partitions');
  if (!api) return;
  const topic = await pickTopic(api, arg, 'Topic to add partitions to');
  if (!topic) return;
  const current = (await api.describeTopic(topic)).partitions.length;
  const total = await inputInteger({
    title: `Add Partitions to ${topic}`,
    prompt: `New total number of partitions (now ${current}). Records with a key may map to another partition afterwards.`,
    value: current + 1,
    min: current + 1,
    max: 10000,
  });
  if (total === undefined) return;
  await api.addPartitions(topic, total);
  void vscode.window.showInformationMessage(`Topic ${topic} now has ${total} partitions.`);
}
