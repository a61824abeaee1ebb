/**
 * Kafka's ConfigDef in miniature: typed keys with defaults, validators and docs, parsed from the strings that
 * AlterConfigs, CreateTopics and property files carry. Errors read like Kafka's ConfigException messages.
 */
import { KafkaError } from '../errors';

type ConfigType = 'int' | 'long' | 'double' | 'boolean' | 'string' | 'list' | 'password';
export type ConfigValue = number | boolean | string | string[];

/** Long.MAX_VALUE as a JS number (2^63, the nearest double); printed back as 9223372036854775807. */
export const LONG_MAX = 2 ** 63;

export interface ConfigKey {
  name: string;
  type: ConfigType;
  default: ConfigValue | null;
  doc: string;
  /** Inclusive bounds for numbers. */
  min?: number;
  max?: number;
  /** Allowed values (case-sensitive, as Kafka's ValidString/ValidList). */
  validValues?: readonly string[];
  /** Kafka's importance, shown by DescribeConfigs documentation. */
  importance?: 'high' | 'medium' | 'low';
  readOnly?: boolean;
  sensitive?: boolean;
  /** A check beyond bounds and valid values (Kafka's custom Validators): the reason a value is refused, or undefined. */
  validator?: (value: ConfigValue) => string | undefined;
}

export class ConfigError extends KafkaError {
  constructor(message: string) {
    super('INVALID_CONFIG', message);
  }
}

export function formatValue(key: ConfigKey, value: ConfigValue | null): string | null {
  if (value === null) return null;
  if (Array.isArray(value)) return value.join(',');
  if (typeof value === 'number' && key.type === 'long' && value >= LONG_MAX) return '9223372036854775807';
  return String(value);
}

/** Parses one string value as Kafka does, then validates it; throws ConfigError with Kafka's wording. */
export function parseValue(key: ConfigKey, raw: string): ConfigValue {
  const bad = (why: string) => new ConfigError(`Invalid value ${raw} for configuration ${key.name}: ${why}`);
  const s = raw.trim();
  let v: ConfigValue;
  switch (key.type) {
    case 'int':
    case 'long': {
      if (!/^[+-]?\d+$/.test(s)) throw bad(`Not a number of type ${key.type.toUpperCase()}`);
      const n = Number(s);
      if (key.type === 'int' && (n > 2147483647 || n < -2147483648)) throw bad('Not a number of type INT');
      if (key.type === 'long' && (BigInt(s) > 9223372036854775807n || BigInt(s) < -9223372036854775808n)) {
        throw bad('Not a number of type LONG');
      }
      v = n;
      break;
    }
    case 'double': {
      const n = Number(s);
      if (s === '' || !Number.isFinite(n)) throw bad('Not a number of type DOUBLE');
      v = n;
      break;
    }
    case 'boolean':
      if (s.toLowerCase() !== 'true' && s.toLowerCase() !== 'false') throw bad('Expected value to be either true or false');
      v = s.toLowerCase() === 'true';
      break;
    case 'list':
      v = s === '' ? [] : s.split(',').map((x) => x.trim());
      break;
    default:
      v = s;
  }
  validate(key, v, raw);
  return v;
}

function validate(key: ConfigKey, v: ConfigValue, raw: string): void {
  const bad = (why: string) => new ConfigError(`Invalid value ${raw} for configuration ${key.name}: ${why}`);
  if (typeof v === 'number') {
    if (key.min !== undefined && v < key.min) throw bad(`Value must be at least ${key.min}`);
    if (key.max !== undefined && v > key.max) throw bad(`Value must be no more than ${key.max}`);
  }
  if (key.validValues) {
    const values = Array.isArray(v) ? v : [String(v)];
    for (const x of values) {
      if (!key.validValues.includes(x)) throw bad(`String must be one of: ${key.validValues.join(', ')}`);
    }
    if (Array.isArray(v) && new Set(v).size !== v.length) throw bad('Configuration has duplicate values');
  }
  const why = key.validator?.(v);
  if (why !== undefined) throw bad(why);
}

export class ConfigDef {
  private readonly keys = new Map<string, ConfigKey>();

  constructor(keys: readonly ConfigKey[]) {
    for (const k of keys) this.keys.set(k.name, k);
  }

  get(name: string): ConfigKey | undefined {
    return this.keys.get(name);
  }

  names(): string[] {
    return [...this.keys.keys()].sort();
  }

  all(): ConfigKey[] {
    return this.names().map((n) => this.keys.get(n)!);
  }

  /** Parses a map of overrides; unknown names are refused (Kafka: "Unknown topic config name"). */
  parse(overrides: Record<string, string>, what = 'config'): Map<string, ConfigValue> {
    const out = new Map<string, ConfigValue>();
    for (const [name, raw] of Object.entries(overrides)) {
      const key = this.keys.get(name);
      if (!key) throw new ConfigError(`Unknown ${what} name: ${name}`);
      out.set(name, parseValue(key, raw));
    }
    return out;
  }
}
