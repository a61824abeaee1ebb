#!/usr/bin/env python3
"""confluent-kafka-python's SchemaRegistryClient and JSON Schema serdes against Tributary's embedded schema registry,
for test/compat/schema-registry-clients.test.ts.

Usage: schema_registry.py <command> <registry url> <bootstrap>
Prints one JSON object: what each step returned, or {"fatal": ...}. The test asserts on it.

Commands
  registry  Registers, looks up, checks and deletes Avro schemas with SchemaRegistryClient.
  json      Produces three records with JSONSerializer (auto-registering the schema under <topic>-value), reads them
            back with a consumer and JSONDeserializer, and reports the raw values' schema ids.
"""
import json
import sys

from confluent_kafka import Consumer, Producer
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.schema_registry.json_schema import JSONDeserializer, JSONSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

USER_V1 = json.dumps({"type": "record", "name": "User", "namespace": "py.test",
                      "fields": [{"name": "name", "type": "string"}]})
USER_V2 = json.dumps({"type": "record", "name": "User", "namespace": "py.test",
                      "fields": [{"name": "name", "type": "string"},
                                 {"name": "age", "type": "int", "default": 0}]})
# A new field without a default: old records cannot be read with it (not BACKWARD compatible).
USER_BAD = json.dumps({"type": "record", "name": "User", "namespace": "py.test",
                       "fields": [{"name": "name", "type": "string"}, {"name": "email", "type": "string"}]})


def error(call):
    try:
        call()
        return None
    except SchemaRegistryError as e:
        return {"http_status": e.http_status_code, "error_code": e.error_code}


def registry(url):
    out = {}
    sr = SchemaRegistryClient({"url": url})
    subject = "py-user-value"
    out["id1"] = sr.register_schema(subject, Schema(USER_V1, "AVRO"))
    # A new client has no cache: the registry itself answers the same id for the same schema.
    out["id1_again"] = SchemaRegistryClient({"url": url}).register_schema(subject, Schema(USER_V1, "AVRO"))
    out["id2"] = sr.register_schema(subject, Schema(USER_V2, "AVRO"))
    latest = sr.get_latest_version(subject)
    out["latest"] = {"version": latest.version, "id": latest.schema_id, "subject": latest.subject}
    v1 = sr.get_version(subject, 1)
    out["v1"] = {"version": v1.version, "id": v1.schema_id, "schema": json.loads(v1.schema.schema_str)}
    by_id = SchemaRegistryClient({"url": url}).get_schema(out["id2"])
    out["by_id"] = {"type": by_id.schema_type, "schema": json.loads(by_id.schema_str)}
    found = sr.lookup_schema(subject, Schema(USER_V1, "AVRO"))
    out["lookup"] = {"version": found.version, "id": found.schema_id}
    out["versions"] = sr.get_versions(subject)
    out["subjects"] = sr.get_subjects()
    out["compatible_v2"] = sr.test_compatibility(subject, Schema(USER_V2, "AVRO"))
    out["compatible_bad"] = sr.test_compatibility(subject, Schema(USER_BAD, "AVRO"))
    out["register_bad"] = error(lambda: sr.register_schema(subject, Schema(USER_BAD, "AVRO")))
    out["global_level"] = sr.get_compatibility()
    sr.set_compatibility(subject, "NONE")
    out["subject_level"] = sr.get_compatibility(subject)
    out["id3"] = sr.register_schema(subject, Schema(USER_BAD, "AVRO"))
    out["deleted_version"] = sr.delete_version(subject, 3)
    out["versions_after_delete"] = sr.get_versions(subject)
    out["unknown_subject"] = error(lambda: sr.get_latest_version("py-no-such-subject"))
    out["unknown_id"] = error(lambda: SchemaRegistryClient({"url": url}).get_schema(987654))
    out["invalid_schema"] = error(lambda: sr.register_schema("py-invalid", Schema('{"type": "record"}', "AVRO")))
    out["deleted_subject"] = sr.delete_subject(subject)
    out["subjects_after_delete"] = sr.get_subjects()
    # A soft-deleted subject's schemas keep their ids.
    out["id1_after_delete"] = json.loads(SchemaRegistryClient({"url": url}).get_schema(out["id1"]).schema_str)
    return out


PERSON = json.dumps({
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "Person",
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}},
    "required": ["name"],
})


def json_serdes(url, bootstrap):
    topic = "py-json-people"
    sr = SchemaRegistryClient({"url": url})
    ser = JSONSerializer(PERSON, sr)
    producer = Producer({"bootstrap.servers": bootstrap})
    people = [{"name": "ada", "age": 36}, {"name": "alan", "age": 41}, {"name": "grace"}]
    for p in people:
        producer.produce(topic, value=ser(p, SerializationContext(topic, MessageField.VALUE)))
    left = producer.flush(20)
    out = {"unflushed": left}
    # Refused before it is sent: the serializer validates against the schema.
    try:
        ser({"age": -1}, SerializationContext(topic, MessageField.VALUE))
        out["invalid_refused"] = False
    except Exception:  # noqa: BLE001 - the serializer raises its own SerializationError
        out["invalid_refused"] = True
    consumer = Consumer({"bootstrap.servers": bootstrap, "group.id": "py-json", "auto.offset.reset": "earliest"})
    consumer.subscribe([topic])
    deser = JSONDeserializer(PERSON)
    got, ids = [], []
    for _ in range(200):
        m = consumer.poll(0.2)
        if m is None or m.error():
            if len(got) == len(people):
                break
            continue
        raw = m.value()
        ids.append(int.from_bytes(raw[1:5], "big") if raw[0] == 0 else -1)
        got.append(deser(raw, SerializationContext(topic, MessageField.VALUE)))
        if len(got) == len(people):
            break
    consumer.close()
    out["received"] = got
    out["schema_ids"] = ids
    out["registered"] = sr.get_latest_version(topic + "-value").schema_id
    return out


def main():
    command, url = sys.argv[1], sys.argv[2]
    try:
        if command == "registry":
            result = registry(url)
        elif command == "json":
            result = json_serdes(url, sys.argv[3])
        else:
            raise ValueError("unknown command " + command)
        sys.stdout.write(json.dumps(result) + "\n")
    except Exception as e:  # noqa: BLE001 - reported to the test, which fails with it
        sys.stdout.write(json.dumps({"fatal": repr(e)}) + "\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
