/**
 * Completion in `.kafka` files: PRODUCE/CONSUME at the start of a request, topic names after them (the broker's
 * topics, cached until a topic event), the parameters of each verb and the values of from=/compression=/acks=, and
 * the value helpers after `{{`.
 */
import * as vscode from 'vscode';
import { CONSUME_PARAMETERS, PRODUCE_PARAMETERS, blockAt, isCommentLine, isSeparatorLine } from './kafka-file';
import { parsed } from './parsed';
import type { TopicCache } from './topic-cache';

const HELPERS: Array<{ label: string; snippet: string; doc: string }> = [
  { label: 'seq', snippet: 'seq', doc: "The block's record counter: 1, 2, 3, ... across runs in this session." },
  { label: 'i', snippet: 'i', doc: 'The index of the record in this run: 0, 1, 2, ...' },
  { label: 'uuid', snippet: 'uuid', doc: 'A random UUID (version 4).' },
  { label: 'now', snippet: 'now', doc: 'The current time as an ISO-8601 string (2025-01-31T12:00:00.000Z).' },
  { label: 'timestamp', snippet: 'timestamp', doc: 'The current time in milliseconds since 1970.' },
  { label: 'random.int(a,b)', snippet: 'random.int(${1:1},${2:100})', doc: 'A random whole number from a to b, both included.' },
  { label: 'random.choice(a,b,c)', snippet: 'random.choice(${1:a},${2:b},${3:c})', doc: 'One of the arguments at random ("quote" arguments with commas or spaces).' },
  { label: 'random.string(n)', snippet: 'random.string(${1:8})', doc: 'n random letters and digits.' },
];

const PARAMETER_DOCS: Record<string, string> = {
  key: 'The record key (helpers allowed; quote it if it has spaces). The broker partitions keyed records with murmur2, as Kafka clients do.',
  partition: 'Produce to (or consume from) this partition only.',
  count: 'Records per run (default 1).',
  compression: 'Batch compression: none, gzip, snappy, lz4 or zstd.',
  acks: 'all (default: every in-sync replica), 1 (the leader) or 0.',
  from: 'Where to start: earliest (default), latest, offset:N, -N (the newest N records of the topic, or of the partition given) or timestamp:<ms or ISO date>.',
  max: 'Records per partition (default 20); with from=-N, the newest records in all.',
};

const VALUES: Record<string, string[]> = {
  from: ['earliest', 'latest', 'offset:0', '-10', 'timestamp:'],
  compression: ['none', 'gzip', 'snappy', 'lz4', 'zstd'],
  acks: ['all', '1', '0'],
};

export class KafkaCompletionProvider implements vscode.CompletionItemProvider {
  constructor(private readonly topics: TopicCache) {}

  async provideCompletionItems(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.CompletionItem[] | undefined> {
    const before = doc.lineAt(pos.line).text.slice(0, pos.character);

    // Helpers, wherever a template may be (keys, header values, values).
    const helper = /\{\{\s*([\w.]*)$/.exec(before);
    if (helper) {
      const range = new vscode.Range(pos.line, pos.character - helper[1].length, pos.line, pos.character);
      const closes = doc.lineAt(pos.line).text.slice(pos.character).startsWith('}}');
      return HELPERS.map((h, n) => {
        const item = new vscode.CompletionItem(h.label, vscode.CompletionItemKind.Function);
        item.insertText = new vscode.SnippetString(h.snippet + (closes ? '' : '}}'));
        item.documentation = h.doc;
        item.range = range;
        item.sortText = String(n).padStart(2, '0');
        return item;
      });
    }

    const request = /^\s*(produce|consume)\s+(\S*)$/i.exec(before);
    if (request) {
      const verb = request[1].toLowerCase();
      const typed = request[2];
      const list = await this.topics.get();
      const range = new vscode.Range(pos.line, pos.character - typed.length, pos.line, pos.character);
      return list
        .filter((t) => verb === 'consume' || !t.internal)
        .map((t) => {
          const item = new vscode.CompletionItem(t.name, vscode.CompletionItemKind.Reference);
          item.detail = `${t.partitions} partition${t.partitions === 1 ? '' : 's'}, RF ${t.replicationFactor}${t.internal ? ', internal' : ''}`;
          item.range = range;
          item.sortText = `${t.internal ? 1 : 0}${t.name}`;
          return item;
        });
    }

    const param = /^\s*(produce|consume)\s+\S+\s+(?:.*\s)?(\w*)(=?)([^\s=]*)$/i.exec(before);
    if (param) {
      const verb = param[1].toLowerCase();
      const [, , name, eq, value] = param;
      if (eq) {
        const values = VALUES[name];
        if (!values) return undefined;
        const range = new vscode.Range(pos.line, pos.character - value.length, pos.line, pos.character);
        return values.map((v) => Object.assign(new vscode.CompletionItem(v, vscode.CompletionItemKind.EnumMember), { range }));
      }
      const names = verb === 'produce' ? PRODUCE_PARAMETERS : CONSUME_PARAMETERS;
      const range = new vscode.Range(pos.line, pos.character - name.length, pos.line, pos.character);
      return names.map((n) => {
        const item = new vscode.CompletionItem(`${n}=`, vscode.CompletionItemKind.Property);
        item.documentation = PARAMETER_DOCS[n];
        item.range = range;
        item.command = VALUES[n] ? { command: 'editor.action.triggerSuggest', title: 'values' } : undefined;
        return item;
      });
    }

    // The verbs, on a line where a request may start: not inside a block's headers or value.
    if (/^\s*[A-Za-z]*$/.test(before) && this.requestMayStart(doc, pos.line)) {
      const typed = before.trim();
      const range = new vscode.Range(pos.line, pos.character - typed.length, pos.line, pos.character);
      return [
        Object.assign(new vscode.CompletionItem('PRODUCE', vscode.CompletionItemKind.Keyword), {
          insertText: new vscode.SnippetString('PRODUCE ${1:topic}\n\n${2:value}'),
          documentation: 'PRODUCE <topic> [key=...] [partition=N] [count=N] [value-schema=<subject>[:<version>]] [value-schema-file=<path>], then Header: value lines, a blank line and the value.',
          range,
          command: { command: 'editor.action.triggerSuggest', title: 'topics' },
        }),
        Object.assign(new vscode.CompletionItem('CONSUME', vscode.CompletionItemKind.Keyword), {
          insertText: new vscode.SnippetString('CONSUME ${1:topic}'),
          documentation: 'CONSUME <topic> [from=earliest|latest|offset:N|-N] [partition=N] [max=N]',
          range,
          command: { command: 'editor.action.triggerSuggest', title: 'topics' },
        }),
      ];
    }
    return undefined;
  }

  /** True when every line between the block's start (or the file's) and this one is blank or a comment. */
  private requestMayStart(doc: vscode.TextDocument, line: number): boolean {
    const block = blockAt(parsed(doc), line);
    if (block && block.requestLine < line && block.endLine >= line) return false;
    for (let l = line - 1; l >= 0; l--) {
      const text = doc.lineAt(l).text;
      if (isSeparatorLine(text)) return true;
      if (text.trim() !== '' && !isCommentLine(text)) return false;
    }
    return true;
  }
}
