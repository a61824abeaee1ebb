#!/usr/bin/env python3
"""confluent-kafka-python driver for the compatibility suite (test/compat/confluent-kafka.test.ts).

Usage: client.py <command> <bootstrap> ['<json spec>']   (without the argument, the spec is read from stdin)
Prints one JSON object per line on stdout; the last line is always {"done": ...} or {"fatal": ...}.

Commands
  produce    spec {"runs": [{"config": {...}, "topic": t, "messages": [{"key", "value", "headers", "partition", "timestamp"}]}]}
             One Producer per run; prints {"run", "i", "partition", "offset", "error"} per delivery report.
             Keys, values and header values are UTF-8 strings or null.
  consume    spec {"topic", "partitions": [..], "start": "beginning" | "end" | <offset> | {"timestamp": ms}, "count": n, "timeout": s,
                   "config": {...}}
             Consumer.assign() at the start position (offsets_for_times for a timestamp); reads until `count` messages
             or, without a count, until every partition reached its end. Prints {"partition", "offset", "key",
             "value", "headers", "timestamp", "timestampType"} per message and {"resolved": [...]} for timestamps.
  admin      spec {"create": [{"topic", "partitions", "replication", "config": {...}}], "validateOnly": bool, "delete": [topic, ...]}
             AdminClient.create_topics / delete_topics, then list_topics; prints {"created"|"deleted": topic, "error"}
             per topic and {"topics": {name: partition count}}.
  probe      spec {"config": {...}, "timeout": s}
             AdminClient.list_topics with the config (security.protocol, sasl.*, ssl.*); prints {"listed": true,
             "brokers": [...], "topics": [names]} or {"listed": false, "error": name, "str": text}, then {"errors": [...]}: what
             librdkafka reported through error_cb (an authentication failure, a TLS failure), each {"name", "str"}.
  roundtrip  spec {"topic", "partitions", "count", "config": {...}, "consumerConfig": {...}, "timeout": s}
             Produces `count` messages (value = sequence number, partition = seq % partitions), then reads every
             partition from the beginning and checks every message: none lost, none duplicated, per-partition order.
"""
import ctypes
import json
import sys
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer, TopicPartition, OFFSET_BEGINNING, OFFSET_END
from confluent_kafka.admin import AdminClient, NewTopic


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")


def enc(s):
    return None if s is None else s.encode("utf-8")


def dec(b):
    return None if b is None else b.decode("utf-8", "backslashreplace")


def headers_of(m):
    """m.headers() as [[key, value]], working around confluent-kafka-python 1.7's Message.headers(), which drops a
    reference to None for every null header value (the interpreter aborts with "deallocating None" after a few
    hundred): the reference it drops is given back."""
    h = m.headers() or []
    for _, v in h:
        if v is None:
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(None))
    return [[k, dec(v)] for k, v in h]


def consumer(bootstrap, extra=None):
    # confluent-kafka-python 1.7 insists on a group.id; nothing is committed and no group is joined (assign() only).
    conf = {
        "bootstrap.servers": bootstrap,
        "group.id": "tributary-compat-unused",
        "enable.auto.commit": False,
        "enable.auto.offset.store": False,
        "enable.partition.eof": True,
        "auto.offset.reset": "error",
        # Reaching the end of a partition takes one empty long-poll: keep it short.
        "fetch.wait.max.ms": 50,
    }
    conf.update(extra or {})
    return Consumer(conf)


def produce(bootstrap, spec):
    for run_index, run in enumerate(spec["runs"]):
        conf = {"bootstrap.servers": bootstrap}
        conf.update(run.get("config", {}))
        p = Producer(conf)
        pending = [0]

        def report(err, msg, i, run_index=run_index):
            pending[0] -= 1
            out({
                "run": run_index,
                "i": i,
                "partition": msg.partition() if msg is not None else None,
                "offset": msg.offset() if msg is not None else None,
                "error": None if err is None else err.name(),
            })

        for i, m in enumerate(run["messages"]):
            kwargs = {"key": enc(m.get("key")), "value": enc(m.get("value"))}
            if m.get("headers") is not None:
                kwargs["headers"] = [(k, enc(v)) for k, v in m["headers"]]
            if m.get("partition") is not None:
                kwargs["partition"] = m["partition"]
            if m.get("timestamp") is not None:
                kwargs["timestamp"] = m["timestamp"]
            pending[0] += 1
            p.produce(run["topic"], on_delivery=lambda err, msg, i=i: report(err, msg, i), **kwargs)
            p.poll(0)
        left = p.flush(spec.get("timeout", 20))
        if left:
            out({"fatal": "%d messages of run %d were not delivered" % (left, run_index)})
            return
    out({"done": True})


def start_offsets(c, topic, partitions, start, timeout):
    if start == "beginning":
        return [TopicPartition(topic, p, OFFSET_BEGINNING) for p in partitions]
    if start == "end":
        return [TopicPartition(topic, p, OFFSET_END) for p in partitions]
    if isinstance(start, int):
        return [TopicPartition(topic, p, start) for p in partitions]
    wanted = [TopicPartition(topic, p, start["timestamp"]) for p in partitions]
    resolved = c.offsets_for_times(wanted, timeout=timeout)
    out({"resolved": [{"partition": tp.partition, "offset": tp.offset, "error": None if tp.error is None else tp.error.name()} for tp in resolved]})
    # -1 (no message at or after the timestamp) means: the end of the partition.
    return [TopicPartition(topic, tp.partition, tp.offset if tp.offset >= 0 else OFFSET_END) for tp in resolved]


def consume(bootstrap, spec):
    topic = spec["topic"]
    partitions = spec.get("partitions", [0])
    timeout = spec.get("timeout", 20)
    count = spec.get("count")
    config = dict(spec.get("config") or {})
    # "stats": bytes received from each broker, by node id, from librdkafka's statistics (where fetches went).
    rxbytes = {}
    stats_calls = [0]
    if spec.get("stats"):
        def on_stats(raw):
            stats_calls[0] += 1
            # Summed over the real connections of each node: librdkafka also lists a logical "GroupCoordinator" broker
            # carrying the coordinator's node id, which must not overwrite that node's own figure.
            totals = {}
            for name, b in json.loads(raw).get("brokers", {}).items():
                if b.get("nodeid", -1) >= 0 and b.get("source") != "logical" and name != "GroupCoordinator":
                    totals[b["nodeid"]] = totals.get(b["nodeid"], 0) + b.get("rxbytes", 0)
            rxbytes.clear()
            rxbytes.update(totals)
        config.update({"statistics.interval.ms": 100, "stats_cb": on_stats})
    c = consumer(bootstrap, config)
    try:
        c.assign(start_offsets(c, topic, partitions, spec.get("start", "beginning"), timeout))
        at_end = set()
        seen = 0
        deadline = time.time() + timeout
        while time.time() < deadline:
            if count is not None and seen >= count:
                break
            if count is None and len(at_end) == len(partitions):
                break
            m = c.poll(0.5)
            if m is None:
                continue
            if m.error():
                if m.error().code() == KafkaError._PARTITION_EOF:
                    at_end.add(m.partition())
                    continue
                out({"fatal": "consume error: %s" % m.error()})
                return
            at_end.discard(m.partition())
            seen += 1
            ts_type, ts = m.timestamp()
            out({
                "partition": m.partition(),
                "offset": m.offset(),
                "key": dec(m.key()),
                "value": dec(m.value()),
                "headers": headers_of(m),
                "timestamp": ts,
                "timestampType": ts_type,
            })
        if spec.get("stats"):
            # Statistics come on the poll loop's schedule: polls until two more reports (the second one taken after
            # the last fetch's bytes were counted), however slow a loaded machine makes them, within 15 s.
            target = stats_calls[0] + 2
            until = time.time() + 15
            while stats_calls[0] < target and time.time() < until:
                c.poll(0.1)
            out({"rxbytes": {str(k): v for k, v in rxbytes.items()}})
        out({"done": True, "count": seen, "timedOut": time.time() >= deadline})
    finally:
        c.close()


def roundtrip(bootstrap, spec):
    topic = spec["topic"]
    n_parts = spec["partitions"]
    count = spec["count"]
    timeout = spec.get("timeout", 50)
    conf = {"bootstrap.servers": bootstrap, "linger.ms": 5, "queue.buffering.max.messages": 200000}
    conf.update(spec.get("config", {}))
    p = Producer(conf)
    errors = []
    acked = [0]

    def report(err, msg):
        if err is not None:
            errors.append(err.name())
        else:
            acked[0] += 1

    t0 = time.time()
    for i in range(count):
        while True:
            try:
                p.produce(topic, key=b"k%d" % i, value=b"%d" % i, partition=i % n_parts, on_delivery=report)
                break
            except BufferError:
                p.poll(0.05)
        if i % 1000 == 0:
            p.poll(0)
    left = p.flush(timeout)
    produce_s = time.time() - t0
    if left or errors:
        out({"fatal": "produce: %d undelivered, errors %s" % (left, sorted(set(errors))[:5])})
        return

    c = consumer(bootstrap, {"fetch.max.bytes": 4 * 1024 * 1024, **spec.get("consumerConfig", {})})
    c.assign([TopicPartition(topic, p_, OFFSET_BEGINNING) for p_ in range(n_parts)])
    seen = bytearray(count)
    duplicates = lost_order = bad_partition = bad_key = bad_offset = consumed = 0
    last_seq = [-1] * n_parts
    next_offset = [0] * n_parts
    problems = []
    t1 = time.time()
    deadline = t1 + timeout
    while consumed < count and time.time() < deadline:
        msgs = c.consume(10000, 0.5)
        for m in msgs:
            if m.error():
                if m.error().code() == KafkaError._PARTITION_EOF:
                    continue
                out({"fatal": "consume error: %s" % m.error()})
                return
            consumed += 1
            part = m.partition()
            seq = int(m.value())
            if m.key() != b"k%d" % seq:
                bad_key += 1
            if seq % n_parts != part:
                bad_partition += 1
            if m.offset() != next_offset[part]:
                bad_offset += 1
                if len(problems) < 10:
                    problems.append("partition %d: offset %d where %d was expected" % (part, m.offset(), next_offset[part]))
            next_offset[part] = m.offset() + 1
            if seq <= last_seq[part]:
                lost_order += 1
                if len(problems) < 10:
                    problems.append("partition %d: %d after %d" % (part, seq, last_seq[part]))
            last_seq[part] = seq
            if seen[seq]:
                duplicates += 1
            seen[seq] = 1
    consume_s = time.time() - t1
    c.close()
    # Nothing more may arrive: a short second look from the end of what was read.
    out({
        "done": True,
        "produced": acked[0],
        "consumed": consumed,
        "missing": count - sum(seen),
        "duplicates": duplicates,
        "outOfOrder": lost_order,
        "wrongPartition": bad_partition,
        "wrongKey": bad_key,
        "offsetGaps": bad_offset,
        "nextOffsets": next_offset,
        "problems": problems,
        "produceSeconds": round(produce_s, 2),
        "consumeSeconds": round(consume_s, 2),
    })


def error_name(future):
    try:
        future.result()
        return None
    except KafkaException as e:
        return e.args[0].name()


def admin(bootstrap, spec):
    a = AdminClient({"bootstrap.servers": bootstrap})
    timeout = spec.get("timeout", 20)
    if spec.get("create"):
        topics = [NewTopic(t["topic"], num_partitions=t.get("partitions", -1), replication_factor=t.get("replication", -1), config=t.get("config", {})) for t in spec["create"]]
        futures = a.create_topics(topics, operation_timeout=timeout, request_timeout=timeout, validate_only=spec.get("validateOnly", False))
        for name, f in futures.items():
            out({"created": name, "error": error_name(f)})
    if spec.get("delete"):
        futures = a.delete_topics(spec["delete"], operation_timeout=timeout, request_timeout=timeout)
        for name, f in futures.items():
            out({"deleted": name, "error": error_name(f)})
    md = a.list_topics(timeout=timeout)
    out({"topics": {name: len(t.partitions) for name, t in md.topics.items() if t.error is None}})
    out({"done": True})


def probe(bootstrap, spec):
    errors = []
    conf = {"bootstrap.servers": bootstrap, "error_cb": lambda e: errors.append({"name": e.name(), "str": e.str()})}
    conf.update(spec.get("config", {}))
    a = AdminClient(conf)
    try:
        md = a.list_topics(timeout=spec.get("timeout", 10))
        out({"listed": True, "brokers": sorted("%s:%d" % (b.host, b.port) for b in md.brokers.values()),
             "topics": sorted(name for name, t in md.topics.items() if t.error is None)})
    except KafkaException as e:
        out({"listed": False, "error": e.args[0].name(), "str": e.args[0].str()})
    # error_cb runs from poll(): give librdkafka's reports a moment to arrive.
    a.poll(0.5)
    out({"errors": errors})
    out({"done": True})


def main():
    command, bootstrap = sys.argv[1], sys.argv[2]
    spec = json.loads(sys.argv[3] if len(sys.argv) > 3 else sys.stdin.read())
    try:
        {"produce": produce, "consume": consume, "roundtrip": roundtrip, "admin": admin, "probe": probe}[command](bootstrap, spec)
    except Exception as e:  # reported, not raised: the test prints it
        out({"fatal": "%s: %s" % (type(e).__name__, e)})
    sys.stdout.flush()


if __name__ == "__main__":
    main()
