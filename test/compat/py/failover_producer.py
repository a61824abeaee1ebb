#!/usr/bin/env python3
"""A paced confluent-kafka-python (librdkafka) producer for the failover suite (test/compat/failover.test.ts).

Usage: failover_producer.py <bootstrap> '<json spec>'

spec
  topic        topic to write to
  partitions   message i (value str(i)) goes to partition i % partitions
  count        number of messages
  intervalMs   pause between two produce() calls (default 2), so that the stream spans the faults the test injects
  config       extra librdkafka producer properties (acks, enable.idempotence, ...)
  timeout      seconds flush() may take at the end (default 30)

Prints one JSON object per line on stdout:
  {"ev": "start"}
  {"ev": "dr", "i": i, "p": partition, "o": offset, "err": null | name}    (one per delivery report)
  {"ev": "error", "error": name, "str": text}                              (error_cb: broker down, ...)
  {"ev": "done", "left": messages not delivered when flush() gave up}
"""
import json
import sys
import time

from confluent_kafka import Producer


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    bootstrap, spec = sys.argv[1], json.loads(sys.argv[2])
    conf = {
        "bootstrap.servers": bootstrap,
        "error_cb": lambda err: out({"ev": "error", "error": err.name(), "str": err.str()}),
    }
    conf.update(spec.get("config", {}))
    p = Producer(conf)
    topic, parts, count = spec["topic"], spec["partitions"], spec["count"]
    interval = spec.get("intervalMs", 2) / 1000.0

    def report(err, msg, i):
        out({"ev": "dr", "i": i, "p": msg.partition(), "o": msg.offset(), "err": None if err is None else err.name()})

    out({"ev": "start"})
    for i in range(count):
        while True:
            try:
                p.produce(topic, value=str(i).encode(), partition=i % parts, on_delivery=lambda err, msg, i=i: report(err, msg, i))
                break
            except BufferError:
                p.poll(0.05)
        p.poll(0)
        if interval > 0:
            time.sleep(interval)
    left = p.flush(spec.get("timeout", 30))
    out({"ev": "done", "left": left})


if __name__ == "__main__":
    main()
