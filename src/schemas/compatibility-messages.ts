/**
 * A compatibility refusal told briefly: Confluent's registries answer a list of messages, each incompatibility as
 * `{errorType:'X', description:'...', additionalInfo:'...'}` (Avro; Protobuf and JSON Schema with double quotes and
 * no additionalInfo) followed by context (`{oldSchemaVersion: 1}`, `{oldSchema: '...'}`, `{validateFields: ...}`). A
 * notification has room for the reasons only; the log keeps every message. No vscode import.
 */

const INCOMPATIBILITY = /^\{errorType:(['"])(.*?)\1, description:\1(.*?)\1(?:, additionalInfo:\1(.*)\1)?\}$/s;
const CONTEXT = /^\{(oldSchemaVersion|oldSchema|validateFields):/;

/** The reasons in the messages, each as "description (additional info)"; the messages as they are when none is found. */
export function compatibilityReasons(messages: readonly string[]): string[] {
  const reasons = messages
    .filter((m) => !CONTEXT.test(m))
    .map((m) => {
      const x = INCOMPATIBILITY.exec(m);
      if (!x) return m;
      const [, , type, description, info] = x;
      return `${description || type}${info ? ` (${info})` : ''}`;
    });
  return reasons.length ? reasons : [...messages];
}
