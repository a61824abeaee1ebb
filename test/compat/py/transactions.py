#!/usr/bin/env python3
"""A librdkafka transactional producer and read_committed / read_uncommitted consumers, for transactions-*.test.ts.

Usage: transactions.py <bootstrap> '<spec>'
  {"produce": {"transactional_id": id, "topic": t, "transactions": [{"values": [...], "commit": bool}, ...],
               "offsets": {"group": g, "topic": t, "partition": p, "offset": o} (optional, sent in the last transaction)}}
  {"consume": {"topic": t, "isolation": "read_committed" | "read_uncommitted", "partitions": n, "expect": n}}
Prints {"committed": i} / {"aborted": i} per transaction, or {"values": [...]} for a consume, or {"error": text};
then {"done": true}.
"""
import json
import sys
import time

from confluent_kafka import Consumer, KafkaException, Producer, TopicPartition


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def produce(bootstrap, spec):
    p = Producer({"bootstrap.servers": bootstrap, "transactional.id": spec["transactional_id"], "transaction.timeout.ms": 60000})
    p.init_transactions(30)
    txns = spec["transactions"]
    for i, t in enumerate(txns):
        p.begin_transaction()
        for v in t["values"]:
            p.produce(spec["topic"], value=v.encode())
        if i == len(txns) - 1 and spec.get("offsets"):
            o = spec["offsets"]
            meta = Consumer({"bootstrap.servers": bootstrap, "group.id": o["group"]}).consumer_group_metadata()
            p.send_offsets_to_transaction([TopicPartition(o["topic"], o["partition"], o["offset"])], meta, 30)
        # Delivered first: abort_transaction would otherwise purge what is still queued, and the point is to have
        # aborted records in the log for read_committed consumers to skip.
        p.flush(30)
        if t["commit"]:
            p.commit_transaction(30)
            out({"committed": i})
        else:
            p.abort_transaction(30)
            out({"aborted": i})


def consume(bootstrap, spec):
    c = Consumer({
        "bootstrap.servers": bootstrap,
        "group.id": "reader-%f" % time.time(),
        "isolation.level": spec["isolation"],
        "enable.auto.commit": False,
        "enable.partition.eof": True,
    })
    c.assign([TopicPartition(spec["topic"], p, -2) for p in range(spec["partitions"])])
    values, eof, deadline = [], set(), time.time() + 10
    while time.time() < deadline and len(eof) < spec["partitions"]:
        m = c.poll(0.2)
        if m is None:
            continue
        if m.error():
            if m.error().code() == -191:  # _PARTITION_EOF
                eof.add(m.partition())
                continue
            raise KafkaException(m.error())
        values.append(m.value().decode())
    c.close()
    out({"values": values})


def main():
    bootstrap, spec = sys.argv[1], json.loads(sys.argv[2])
    try:
        if "produce" in spec:
            produce(bootstrap, spec["produce"])
        else:
            consume(bootstrap, spec["consume"])
    except KafkaException as e:
        out({"error": str(e.args[0])})
    out({"done": True})


if __name__ == "__main__":
    main()
