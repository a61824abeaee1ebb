#!/usr/bin/env python3
"""confluent-kafka-python (librdkafka) under client quotas, for test/compat/quotas-librdkafka.test.ts.

Usage: quotas.py <command> <bootstrap>   (the spec as JSON on stdin)
Prints one JSON object per line; the last is {"done": ...} or {"fatal": ...}.

Commands
  produce  spec {"topic", "clientId", "seconds", "warmup", "size", "config": {...}}
           Produces `size`-byte values as fast as librdkafka takes them for `seconds`, then drops what is left. Prints
           {"bytes": value bytes delivered within the run, "messages", "seconds",
            "steadyBytes", "steadySeconds": the same after the first `warmup` seconds (past a fresh client's burst),
            "throttleEvents": [[broker id, throttle ms], ...] from throttle_cb,
            "statsThrottleMaxMs": the largest per-broker "throttle" window max from librdkafka's statistics}.
  consume  spec {"topic", "partitions", "clientId", "seconds", "config": {...}}
           Reads from the beginning for `seconds`; prints the same figures for the bytes it received.
"""
import json
import sys
import time

from confluent_kafka import Consumer, Producer, TopicPartition, OFFSET_BEGINNING


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


class Throttling:
    """What librdkafka reports of broker throttling: throttle_cb events and the statistics' throttle window."""

    def __init__(self):
        self.events = []
        self.stats_max = 0

    def on_throttle(self, e):
        self.events.append([e.broker_id, round(e.throttle_time * 1000)])

    def on_stats(self, raw):
        for b in json.loads(raw).get("brokers", {}).values():
            self.stats_max = max(self.stats_max, b.get("throttle", {}).get("max", 0))

    def config(self):
        return {"throttle_cb": self.on_throttle, "stats_cb": self.on_stats, "statistics.interval.ms": 500}


def produce(bootstrap, spec):
    t = Throttling()
    # Requests of at most 64 KiB: the rate is held to the quota request by request, and a 1 MB request (librdkafka's
    # default batch.size) would make the few seconds of a test a handful of steps.
    conf = {"bootstrap.servers": bootstrap, "client.id": spec["clientId"], "linger.ms": 5, "acks": 1, "batch.size": 65536}
    conf.update(t.config())
    conf.update(spec.get("config", {}))
    p = Producer(conf)
    value = b"x" * spec["size"]
    delivered = {"bytes": 0, "messages": 0, "errors": 0, "steady": 0}
    start = time.time()
    until = start + spec["seconds"]
    steady_from = start + spec.get("warmup", 0)

    def report(err, msg):
        if err is None:
            # Only what was delivered within the run counts, over the whole run: a throttle still running at its
            # end is part of the rate, as a request delivered just before it is.
            now = time.time()
            if now <= until:
                delivered["bytes"] += len(msg.value())
                delivered["messages"] += 1
                if now >= steady_from:
                    delivered["steady"] += len(msg.value())
        else:
            delivered["errors"] += 1

    while time.time() < until:
        try:
            p.produce(spec["topic"], value, partition=0, on_delivery=report)
        except BufferError:
            p.poll(0.01)
            continue
        p.poll(0)
    # What is still queued is dropped: the rate is the broker's, not the flush's.
    p.poll(0)
    p.purge()
    p.flush(10)
    p.poll(0.6)  # one more statistics interval
    out({"bytes": delivered["bytes"], "messages": delivered["messages"], "errors": delivered["errors"],
         "seconds": spec["seconds"], "steadyBytes": delivered["steady"], "steadySeconds": spec["seconds"] - spec.get("warmup", 0),
         "throttleEvents": t.events, "statsThrottleMaxMs": t.stats_max})
    out({"done": True})


def consume(bootstrap, spec):
    t = Throttling()
    # Fetches of at most 64 KiB, for the same reason as the producer's batches.
    conf = {"bootstrap.servers": bootstrap, "client.id": spec["clientId"], "group.id": "tributary-quota-unused",
            "enable.auto.commit": False, "fetch.max.bytes": 65536, "message.max.bytes": 65536,
            "max.partition.fetch.bytes": 65536}
    conf.update(t.config())
    conf.update(spec.get("config", {}))
    c = Consumer(conf)
    c.assign([TopicPartition(spec["topic"], p, OFFSET_BEGINNING) for p in spec["partitions"]])
    received = 0
    steady = 0
    messages = 0
    start = time.time()
    until = start + spec["seconds"]
    steady_from = start + spec.get("warmup", 0)
    while time.time() < until:
        m = c.poll(0.1)
        if m is None or m.error():
            continue
        received += len(m.value() or b"")
        if time.time() >= steady_from:
            steady += len(m.value() or b"")
        messages += 1
    seconds = time.time() - start
    c.close()
    out({"bytes": received, "messages": messages, "seconds": seconds, "steadyBytes": steady,
         "steadySeconds": seconds - spec.get("warmup", 0), "throttleEvents": t.events, "statsThrottleMaxMs": t.stats_max})
    out({"done": True})


def main():
    command, bootstrap = sys.argv[1], sys.argv[2]
    spec = json.loads(sys.stdin.read())
    try:
        {"produce": produce, "consume": consume}[command](bootstrap, spec)
    except Exception as e:  # reported, not raised: the test prints it
        out({"fatal": "%s: %s" % (type(e).__name__, e)})


if __name__ == "__main__":
    main()
