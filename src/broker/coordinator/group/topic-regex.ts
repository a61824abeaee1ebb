/**
 * A consumer protocol subscription's regular expression, matched against the whole topic name as Kafka's RE2/J
 * matcher does. Kafka's engine runs in linear time; JavaScript's backtracks, so an expression like `(a+)+b` could take
 * the broker's event loop for minutes on a long topic name. Matching therefore runs under a time budget (a `vm` timeout
 * interrupts the regular expression engine) and an expression that exceeds it is refused like one that does not
 * compile.
 */
import * as vm from 'node:vm';
import { KafkaError } from '../../errors';

/** How long matching one expression against every topic name may take. */
const MATCH_BUDGET_MS = 100;

// Fixed code; the expression and the names are data in the context, never part of the script.
const MATCH = new vm.Script('names.filter((n) => re.test(n))');

function compile(regex: string): RegExp {
  try {
    return new RegExp(`^(?:${regex})$`, 'u');
  } catch (e) {
    throw new KafkaError('INVALID_REGULAR_EXPRESSION', `SubscribedTopicRegex \`${regex}\` is not a valid regular expression: ${(e as Error).message}.`);
  }
}

/** The names the expression matches, sorted; INVALID_REGULAR_EXPRESSION when it does not compile or takes too long. */
export function matchTopics(regex: string, names: Iterable<string>): string[] {
  const re = compile(regex);
  let matched: string[];
  try {
    matched = MATCH.runInContext(vm.createContext({ re, names: [...names] }), { timeout: MATCH_BUDGET_MS }) as string[];
  } catch (e) {
    if ((e as { code?: string }).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw e;
    throw new KafkaError('INVALID_REGULAR_EXPRESSION', `SubscribedTopicRegex \`${regex}\` takes longer than ${MATCH_BUDGET_MS} ms to match the topics' names (catastrophic backtracking): Kafka's RE2/J would not, rewrite it without nested repetition.`);
  }
  return [...matched].sort();
}
