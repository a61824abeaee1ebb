#!/usr/bin/env python3
"""A confluent-kafka-python (librdkafka) group member for the consumer-group suite (test/compat/groups-*.test.ts).

Usage: groups_consumer.py <bootstrap> '<json spec>'

spec
  topics          topics to subscribe to
  config          extra librdkafka consumer properties (group.id, client.id, session.timeout.ms, ...)
  commit          "sync": commit(asynchronous=False) after each batch; "none": never commit (auto commit is then
                  whatever config says)
  commitOnRevoke  commit synchronously in the revoke callback (what an at-least-once consumer does)
  batch           max messages per consume() call (default 500)
  processMs       time each batch takes to "process" before it is committed (default 0)

Prints one JSON object per line on stdout:
  {"ev": "start"}
  {"ev": "assign", "partitions": [[topic, p], ...]}   (from on_assign: all of it (eager) or what is added (cooperative))
  {"ev": "revoke", "partitions": [...]}               (from on_revoke: all of it (eager) or what is taken (cooperative))
  {"ev": "lost", "partitions": [...]}                                                       (from on_lost)
  {"ev": "msgs", "m": [[topic, p, offset, value], ...]}                                     (one line per batch)
  {"ev": "committed", "offsets": [[topic, p, offset], ...], "where": "batch" | "revoke"}
  {"ev": "commit_error", "error": name, "where": ...}
  {"ev": "error", "error": name, "str": text}                                               (consumer errors)
  {"ev": "stalled"} / {"ev": "resumed"} / {"ev": "closed"}

Commands on stdin, one a line:
  stall     stop calling consume()/poll() (to exceed max.poll.interval.ms)
  resume    call consume() again
  close     Consumer.close() (leaves the group, unless static) and exit
EOF on stdin is "close": the consumer never outlives the test.
"""
import json
import queue
import sys
import threading
import time

from confluent_kafka import Consumer, KafkaError, KafkaException


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def tps(partitions):
    return [[tp.topic, tp.partition] for tp in partitions]


def main():
    bootstrap, spec = sys.argv[1], json.loads(sys.argv[2])
    commands = queue.Queue()

    def read_stdin():
        for line in sys.stdin:
            commands.put(line.strip())
        commands.put("close")

    threading.Thread(target=read_stdin, daemon=True).start()

    conf = {
        "bootstrap.servers": bootstrap,
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "error_cb": lambda err: out({"ev": "error", "error": err.name(), "str": err.str()}),
    }
    conf.update(spec.get("config", {}))
    c = Consumer(conf)
    commit_mode = spec.get("commit", "sync")
    batch = spec.get("batch", 500)

    def commit(where):
        try:
            res = c.commit(asynchronous=False)
        except KafkaException as e:
            err = e.args[0]
            # _NO_OFFSET: nothing consumed since the last commit.
            if err.code() != KafkaError._NO_OFFSET:
                out({"ev": "commit_error", "error": err.name(), "where": where})
            return
        bad = [tp for tp in (res or []) if tp.error is not None]
        if bad:
            out({"ev": "commit_error", "error": bad[0].error.name(), "where": where})
            return
        out({"ev": "committed", "offsets": [[tp.topic, tp.partition, tp.offset] for tp in (res or [])], "where": where})

    def on_assign(consumer, partitions):
        out({"ev": "assign", "partitions": tps(partitions)})

    def on_revoke(consumer, partitions):
        if spec.get("commitOnRevoke") and partitions:
            commit("revoke")
        out({"ev": "revoke", "partitions": tps(partitions)})

    def on_lost(consumer, partitions):
        out({"ev": "lost", "partitions": tps(partitions)})

    c.subscribe(spec["topics"], on_assign=on_assign, on_revoke=on_revoke, on_lost=on_lost)
    out({"ev": "start"})
    stalled = False
    try:
        while True:
            try:
                cmd = commands.get_nowait()
            except queue.Empty:
                cmd = None
            if cmd == "close":
                break
            if cmd == "stall":
                stalled = True
                out({"ev": "stalled"})
            elif cmd == "resume":
                stalled = False
                out({"ev": "resumed"})
            if stalled:
                time.sleep(0.05)
                continue
            msgs = c.consume(batch, 0.1)
            got = []
            for m in msgs:
                if m.error():
                    if m.error().code() != KafkaError._PARTITION_EOF:
                        out({"ev": "error", "error": m.error().name(), "str": m.error().str()})
                    continue
                v = m.value()
                got.append([m.topic(), m.partition(), m.offset(), None if v is None else v.decode("utf-8", "backslashreplace")])
            if got:
                out({"ev": "msgs", "m": got})
                if spec.get("processMs"):
                    time.sleep(spec["processMs"] / 1000.0)
                if commit_mode == "sync":
                    commit("batch")
    finally:
        c.close()
        out({"ev": "closed"})


if __name__ == "__main__":
    main()
