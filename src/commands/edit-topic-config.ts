/**
 * Edit one topic config through quick input: pick the config (overrides first, each with its value and source),
 * then set a value (a choice for configs with fixed values) or remove the override to fall back to the default.
 * The broker validates with Kafka's rules and messages.
 */
import * as vscode from 'vscode';
import type { TopicConfigEntry } from '../broker/api';
import { CommandArg, Services, brokerFor } from './services';
import { pickTopic } from './pick';

const SOURCE_LABEL: Record<TopicConfigEntry['source'], string> = {
  DYNAMIC_TOPIC_CONFIG: 'topic override',
  STATIC_BROKER_CONFIG: 'broker setting',
  DEFAULT_CONFIG: 'Kafka default',
};

interface ConfigItem extends vscode.QuickPickItem {
  entry: TopicConfigEntry;
}

/** The value to set: a choice among the allowed values, or typed text. Undefined when cancelled. */
async function askValue(topic: string, e: TopicConfigEntry): Promise<string | undefined> {
  if (e.validValues && e.type === 'list') {
    const current = new Set((e.value ?? '').split(',').filter(Boolean));
    const picked = await vscode.window.showQuickPick(
      e.validValues.map((v) => ({ label: v, picked: current.has(v) })),
      { title: `${topic}: ${e.name}`, placeHolder: e.documentation, canPickMany: true },
    );
    return picked?.map((p) => p.label).join(',');
  }
  if (e.validValues) {
    const picked = await vscode.window.showQuickPick(
      e.validValues.map((v) => ({ label: v, description: v === e.value ? 'current' : v === e.default ? 'default' : undefined })),
      { title: `${topic}: ${e.name}`, placeHolder: e.documentation },
    );
    return picked?.label;
  }
  if (e.type === 'boolean') {
    const picked = await vscode.window.showQuickPick(['true', 'false'], { title: `${topic}: ${e.name}`, placeHolder: e.documentation });
    return picked;
  }
  return vscode.window.showInputBox({
    title: `${topic}: ${e.name} (${e.type})`,
    prompt: `${e.documentation}. Default: ${e.default ?? 'none'}`,
    value: e.value ?? '',
    validateInput: (v) => (v.trim() === '' ? 'Enter a value, or choose "Remove override" instead.' : undefined),
  });
}

export async function editTopicConfig(s: Services, arg: CommandArg): Promise<void> {
  const api = await brokerFor(s, 'edit topic configs');
  if (!api) return;
  const topic = await pickTopic(api, arg, 'Topic whose config to edit');
  if (!topic) return;
  const entries = await api.getTopicConfigs(topic);
  const overridden = (e: TopicConfigEntry) => e.source === 'DYNAMIC_TOPIC_CONFIG';
  const items: ConfigItem[] = [...entries]
    .sort((a, b) => Number(overridden(b)) - Number(overridden(a)) || (a.name < b.name ? -1 : 1))
    .map((e) => ({
      label: e.name,
      description: `${e.value ?? ''} · ${SOURCE_LABEL[e.source]}`,
      detail: e.documentation,
      entry: e,
    }));
  const picked = await vscode.window.showQuickPick(items, { title: `Edit Config of ${topic}`, placeHolder: 'Config to change', matchOnDetail: true });
  if (!picked) return;
  const e = picked.entry;

  let value: string | null | undefined;
  if (overridden(e)) {
    const SET = 'Set a new value…';
    const REMOVE = `Remove the override (back to ${e.default ?? 'no value'})`;
    const how = await vscode.window.showQuickPick([SET, REMOVE], { title: `${topic}: ${e.name} = ${e.value}` });
    if (!how) return;
    value = how === REMOVE ? null : await askValue(topic, e);
  } else {
    value = await askValue(topic, e);
  }
  if (value === undefined) return;
  const after = await api.setTopicConfigs(topic, { [e.name]: value });
  const now = after.find((x) => x.name === e.name);
  void vscode.window.showInformationMessage(`${topic}: ${e.name} is now ${now?.value ?? value} (${now ? SOURCE_LABEL[now.source] : 'set'}).`);
}
