#!/usr/bin/env python3
"""Commits offsets for a group without joining it, as a "simple" librdkafka consumer does (assign() or nothing at
all, then commit(offsets=...)): OffsetCommit with generation -1 and an empty member id. For groups_*.test.ts.

Usage: groups_commit.py <bootstrap> '{"group": g, "offsets": [[topic, partition, offset], ...]}'
Prints {"results": [[topic, partition, offset, error name or null], ...]} or {"error": name}, then {"done": true}.
"""
import json
import sys

from confluent_kafka import Consumer, KafkaException, TopicPartition


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    bootstrap, spec = sys.argv[1], json.loads(sys.argv[2])
    c = Consumer({"bootstrap.servers": bootstrap, "group.id": spec["group"], "enable.auto.commit": False})
    try:
        res = c.commit(offsets=[TopicPartition(t, p, o) for t, p, o in spec["offsets"]], asynchronous=False)
        out({"results": [[tp.topic, tp.partition, tp.offset, None if tp.error is None else tp.error.name()] for tp in res]})
    except KafkaException as e:
        out({"error": e.args[0].name()})
    finally:
        c.close()
    out({"done": True})


if __name__ == "__main__":
    main()
