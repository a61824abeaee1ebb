"""Keeps a librdkafka in-memory mock cluster alive and prints its bootstrap address, so that the same client
binary (kcat, kafkajs) can be measured against it and against Tributary in one run. Stops when stdin closes.

The mock keeps only about 5 MB per partition (older message sets are dropped, like a tiny retention) and creates
topics with 4 partitions on first use; its CreateTopics needs a controller, which it does not report. So the
benchmark writes at most about 4 x 4.5 MB to one topic and spreads larger runs over several topics."""
import sys
from confluent_kafka import Producer

p = Producer({'test.mock.num.brokers': 1, 'bootstrap.servers': 'unused'})
md = p.list_topics(timeout=10)
print(",".join(f"{b.host}:{b.port}" for b in md.brokers.values()), flush=True)
sys.stdin.read()
